package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Scratch;
import io.crm.checks.Shellcheck;
import io.crm.checks.Tools;
import io.crm.checks.Yamls;

/**
 * The bash scripts embedded in the backup and restore-test CronJobs, taken from the rendered manifests: shellcheck,
 * then a run of each against stand-ins on PATH (no MongoDB, S3 or cluster here): mongodump prints the report a real one
 * prints, aws keeps objects in a folder, mongorestore exits as told, mongosh runs the script's JavaScript under node
 * against a fake database holding given counts, mongod sleeps. The container paths are moved into a temp folder. What
 * the stand-ins cannot show (mongorestore and mongod themselves, the AWS CLI's real output, IRSA) is for the first run
 * on a cluster (docs/deploy.md).
 */
class BackupScriptsTest {

    static final String BACKUP = "crm-mongodb-backup";
    static final String RESTORE_TEST = "crm-mongodb-restore-test";
    static final String BUCKET = "crm-backups-123456789012-us-east-1";
    static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd/'crm-'yyyyMMdd'T'HHmmss'Z'");

    /** bash scripts (command /bin/bash -ec SCRIPT) of one CronJob's init containers and containers, by name. */
    static Map<String, String> scripts(List<Map<String, Object>> objs, String cronJob) {
        Map<String, Object> cron = KustomizeTest.find(objs, "CronJob", cronJob);
        Map<String, String> out = new LinkedHashMap<>();
        for (String kind : List.of("initContainers", "containers")) {
            Object list = Yq.get(cron, "spec.jobTemplate.spec.template.spec." + kind);
            for (Map<String, Object> c : list == null ? List.<Map<String, Object>>of() : CrdRules.maps(list)) {
                @SuppressWarnings("unchecked")
                List<String> command = (List<String>) c.get("command");
                if (command != null && command.size() == 3 && "/bin/bash".equals(command.get(0))) {
                    out.put((String) c.get("name"), command.get(2));
                }
            }
        }
        return out;
    }

    static Map<String, String> chartBackup() {
        return scripts(RestoreTestChartTest.rendered(), BACKUP);
    }

    static Map<String, String> chartRestoreTest() {
        return scripts(RestoreTestChartTest.rendered(), RESTORE_TEST);
    }

    static Tools.Result shellcheck(Path dir, Map<String, String> scripts) {
        List<String> files = new ArrayList<>();
        scripts.forEach((name, body) -> {
            Path f = dir.resolve(name + ".sh");
            Scratch.write(f, "#!/bin/bash\nset -e\n" + body);
            files.add(f.toString());
        });
        return Shellcheck.run(dir, files);
    }

    @Test
    void embeddedScriptsPassShellcheck(@TempDir Path tmp) {
        Map<String, String> all = new LinkedHashMap<>();
        chartBackup().forEach((k, v) -> all.put("chart-backup-" + k, v));
        chartRestoreTest().forEach((k, v) -> all.put("chart-restore-test-" + k, v));
        scripts(Rendering.all().get("kustomize:kustomize/overlays/prod").objects(), BACKUP)
                .forEach((k, v) -> all.put("kustomize-backup-" + k, v));
        assertThat(all).containsOnlyKeys("chart-backup-mongodump", "chart-backup-upload", "chart-restore-test-fetch",
                "chart-restore-test-restore", "kustomize-backup-mongodump", "kustomize-backup-upload");
        Tools.Result r = shellcheck(tmp, all);
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void plantedUnquotedExpansionFailsShellcheck(@TempDir Path tmp) {
        Map<String, String> scripts = chartRestoreTest();
        String fetch = scripts.get("fetch");
        assertThat(fetch).contains("if [[ -z \"${archive}\" ]]; then");
        scripts.put("fetch", fetch.replace("manifest=\"${archive%.archive.gz}.manifest.json\"",
                "manifest=\"${archive%.archive.gz}.manifest.json\"\ntouch ${manifest}"));
        Tools.Result r = shellcheck(tmp, scripts);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("SC2086");
    }

    // ---- runs against stand-ins ------------------------------------------------------------------------------------

    static final String MONGODUMP = """
            #!/bin/bash
            for a in "$@"; do
              case "$a" in --archive=*) archive="${a#--archive=}" ;; esac
            done
            printf 'archive of %s\\n' "$*" > "$archive"
            cat "$STUB_DIR/mongodump.log" >&2
            exit "${DUMP_EXIT:-0}"
            """;

    /** A folder per bucket; list-objects-v2 prints two keys per line, as the CLI prints one line per page. */
    static final String AWS = """
            #!/bin/bash
            set -euo pipefail
            root="$STUB_DIR/s3"
            case "$1 $2" in
              "s3api list-objects-v2")
                bucket="$4"; prefix="$6"
                keys="$(cd "$root/$bucket" 2> /dev/null && find . -type f | sed 's#^\\./##' | grep "^$prefix" || true)"
                if [[ -z "$keys" ]]; then echo None; else sort -r <<< "$keys" | paste - - ; fi ;;
              "s3api head-object")
                stat -c %s "$root/$4/$6" ;;
              "s3 cp")
                if [[ "$3" == s3://* ]]; then
                  src="$root/${3#s3://}"
                  [[ -f "$src" ]] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation" >&2; exit 1; }
                  cp "$src" "$4"
                else
                  mkdir -p "$(dirname "$root/${4#s3://}")"
                  cp "$3" "$root/${4#s3://}"
                fi ;;
              *) echo "aws stand-in: unexpected $*" >&2; exit 2 ;;
            esac
            """;

    static final String MONGOD = """
            #!/bin/bash
            if [[ -n "${MONGOD_FAILS:-}" ]]; then
              for a in "$@"; do
                case "$a" in --logpath=*) echo "$MONGOD_FAILS" > "${a#--logpath=}" ;; esac
              done
              exit 100
            fi
            exec sleep 300
            """;

    static final String MONGORESTORE = """
            #!/bin/bash
            echo "mongorestore $*" >&2
            exit "${RESTORE_EXIT:-0}"
            """;

    static final String MONGOSH = """
            #!/bin/bash
            while (( $# )); do
              if [[ "$1" == --eval ]]; then code="$2"; shift; fi
              shift
            done
            if [[ "$code" == *ping* ]]; then [[ -z "${MONGOD_FAILS:-}" ]]; exit; fi
            exec node "$STUB_DIR/mongosh.js" "$code"
            """;

    /** mongosh's globals for the script: db over RESTORED ({"db": {"collection": count}}), print, quit. */
    static final String MONGOSH_JS = """
            const vm = require('vm');
            const restored = JSON.parse(process.env.RESTORED || '{}');
            const database = (name) => ({
              getCollection: (c) => ({ countDocuments: () => (restored[name] || {})[c] ?? 0 }),
              getCollectionNames: () => Object.keys(restored[name] || {}),
            });
            class Quit { constructor(code) { this.code = code; } }
            let code = 0;
            try {
              vm.runInNewContext(process.argv[2], {
                db: { getSiblingDB: database }, process: { env: process.env },
                print: (...a) => console.log(...a), quit: (c) => { throw new Quit(c ?? 0); },
              });
            } catch (e) {
              if (e instanceof Quit) { code = e.code; } else { console.log(String(e)); code = 1; }
            }
            process.exit(code);
            """;

    /** A temp folder with the stand-ins on PATH and the containers' folders. */
    record Sandbox(Path dir) {

        static Sandbox create(Path tmp) {
            Sandbox s = new Sandbox(tmp);
            Map<String, String> stubs = Map.of("mongodump", MONGODUMP, "aws", AWS, "mongod", MONGOD,
                    "mongorestore", MONGORESTORE, "mongosh", MONGOSH);
            stubs.forEach((name, body) -> {
                Path f = tmp.resolve("bin").resolve(name);
                Scratch.write(f, body);
                if (!f.toFile().setExecutable(true)) {
                    throw new AssertionError("cannot make " + f + " executable");
                }
            });
            Scratch.write(tmp.resolve("mongosh.js"), MONGOSH_JS);
            Scratch.write(tmp.resolve("secret/mongodb-backup-username"), "backup");
            Scratch.write(tmp.resolve("secret/mongodb-backup-password"), "secret");
            for (String d : List.of("backup", "scratch", "tmp", "s3/" + BUCKET)) {
                try {
                    Files.createDirectories(tmp.resolve(d));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return s;
        }

        String localize(String script) {
            return script.replace("/etc/mongo-secret/", dir.resolve("secret") + "/")
                    .replace("/backup/", dir.resolve("backup") + "/")
                    .replace("/scratch/", dir.resolve("scratch") + "/");
        }

        Tools.Result run(String script, Map<String, String> env) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
            all.put("STUB_DIR", dir.toString());
            all.put("HOME", dir.resolve("tmp").toString());
            all.put("CRM_DATABASE", "crm_db");
            all.put("BACKUP_BUCKET", BUCKET);
            all.put("BACKUP_PREFIX", "mongodb");
            all.put("AWS_REGION", "us-east-1");
            all.put("MAX_BACKUP_AGE_HOURS", "26");
            all.put("CACHE_SIZE_GB", "0.25");
            all.putAll(env);
            return Tools.run(dir, Duration.ofMinutes(1), all, List.of("/bin/bash", "-ec", localize(script)));
        }

        void mongodumpReports(String... lines) {
            StringBuilder log = new StringBuilder("2026-12-04T02:17:01.001+0000\twriting admin.system.users to archive\n");
            for (String line : lines) {
                log.append("2026-12-04T02:17:02.002+0000\t").append(line).append('\n');
            }
            Scratch.write(dir.resolve("mongodump.log"), log.toString());
        }

        Path s3(String key) {
            return dir.resolve("s3/" + BUCKET + "/" + key);
        }

        List<String> keys() {
            try (Stream<Path> files = Files.walk(dir.resolve("s3/" + BUCKET))) {
                return files.filter(Files::isRegularFile)
                        .map(p -> dir.resolve("s3/" + BUCKET).relativize(p).toString()).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final String[] REPORT = {"done dumping admin.system.users (2 documents)",
        "done dumping crm_db.person (2 documents)", "done dumping crm_db.auditEvents (1 document)",
        "done dumping crm_db.webhooks (0 documents)"};

    static final String RESTORED_AS_DUMPED = "{\"crm_db\": {\"person\": 2, \"auditEvents\": 1, \"webhooks\": 0}}";

    /** Backup job (both containers) into the fake bucket. */
    static Sandbox backedUp(Path tmp) {
        Sandbox s = Sandbox.create(tmp);
        s.mongodumpReports(REPORT);
        Tools.Result dump = s.run(chartBackup().get("mongodump"), Map.of());
        assertThat(dump.ok()).as(dump.output()).isTrue();
        Tools.Result upload = s.run(chartBackup().get("upload"), Map.of());
        assertThat(upload.ok()).as(upload.output()).isTrue();
        return s;
    }

    static Tools.Result restoreTest(Sandbox s, Map<String, String> env) {
        Tools.Result fetch = s.run(chartRestoreTest().get("fetch"), env);
        if (!fetch.ok()) {
            return fetch;
        }
        return s.run(chartRestoreTest().get("restore"), env);
    }

    @Test
    void backupWritesAManifestOfWhatMongodumpDumped(@TempDir Path tmp) throws Exception {
        Sandbox s = backedUp(tmp);
        List<String> keys = s.keys();
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0)).matches("mongodb/\\d{4}/\\d{2}/\\d{2}/crm-\\d{8}T\\d{6}Z\\.archive\\.gz");
        assertThat(keys.get(1)).isEqualTo(keys.get(0).replace(".archive.gz", ".manifest.json"));
        Map<String, Object> manifest = Yamls.parseAll(Scratch.read(s.s3(keys.get(1)))).get(0);
        byte[] archive = Files.readAllBytes(s.s3(keys.get(0)));
        assertThat(manifest).containsEntry("format", 1).containsEntry("database", "crm_db")
                .containsEntry("bytes", archive.length).containsEntry("sha256", sha256(archive));
        assertThat(manifest.get("counts")).isEqualTo(Map.of("admin.system.users", 2, "crm_db.person", 2,
                "crm_db.auditEvents", 1, "crm_db.webhooks", 0));
    }

    static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void backupRefusesADumpWithoutTheCrmDatabaseOrAFailedMongodump(@TempDir Path tmp) {
        Sandbox s = Sandbox.create(tmp);
        s.mongodumpReports("done dumping admin.system.users (2 documents)");
        Tools.Result r = s.run(chartBackup().get("mongodump"), Map.of());
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("no collection of crm_db in mongodump's report");
        s.mongodumpReports(REPORT);
        Tools.Result failed = s.run(chartBackup().get("mongodump"), Map.of("DUMP_EXIT", "1"));
        assertThat(failed.ok()).isFalse();
        assertThat(failed.output()).contains("done dumping crm_db.person");
    }

    @Test
    void kustomizeBackupRunsTheSameScriptsAsTheChart() {
        Map<String, String> kustomize = scripts(Rendering.all().get("kustomize:kustomize/overlays/prod").objects(),
                BACKUP);
        assertThat(kustomize).isEqualTo(chartBackup());
    }

    @Test
    void restoreTestPassesWhenTheNewestBackupRestoresWithItsCounts(@TempDir Path tmp) {
        Sandbox s = backedUp(tmp);
        Tools.Result r = restoreTest(s, Map.of("RESTORED", RESTORED_AS_DUMPED));
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.output()).contains("crm_db.person: dumped 2, restored 2")
                .contains("OK: 3 collections, 3 documents restored as dumped")
                .contains("mongorestore --host=127.0.0.1 --port=27017 --gzip --archive=")
                .contains("--nsExclude=admin.* --nsExclude=config.* --stopOnError");
    }

    @Test
    void restoreTestFailsWhenCountsDiffer(@TempDir Path tmp) {
        Sandbox s = backedUp(tmp);
        Tools.Result r = restoreTest(s, Map.of("RESTORED", "{\"crm_db\": {\"person\": 1, \"auditEvents\": 1, "
                + "\"webhooks\": 0}}"));
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("FAIL: crm_db.person: 2 documents dumped, 1 restored");
        Tools.Result extra = restoreTest(s, Map.of("RESTORED", "{\"crm_db\": {\"person\": 2, \"auditEvents\": 1, "
                + "\"webhooks\": 0, \"strays\": 5}}"));
        assertThat(extra.ok()).isFalse();
        assertThat(extra.output()).contains("FAIL: crm_db.strays: restored but not in the manifest");
    }

    @Test
    void plantedLaxComparisonWouldPassDifferingCounts(@TempDir Path tmp) {
        Sandbox s = backedUp(tmp);
        String planted = chartRestoreTest().get("restore").replace("if (Number(restored) !== Number(dumped)) {",
                "if (Number(restored) < 0) {");
        assertThat(planted).isNotEqualTo(chartRestoreTest().get("restore"));
        assertThat(s.run(chartRestoreTest().get("fetch"), Map.of()).ok()).isTrue();
        Tools.Result r = s.run(planted, Map.of("RESTORED", "{\"crm_db\": {\"person\": 1, \"auditEvents\": 1, "
                + "\"webhooks\": 0}}"));
        // The check above would catch it: this broken comparison calls a short restore a success.
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void restoreTestFailsWhenMongodOrMongorestoreFailOrTheArchiveIsNotTheManifests(@TempDir Path tmp) throws IOException {
        Sandbox s = backedUp(tmp);
        Tools.Result restore = restoreTest(s, Map.of("RESTORED", RESTORED_AS_DUMPED, "RESTORE_EXIT", "1"));
        assertThat(restore.ok()).isFalse();
        assertThat(restore.output()).contains("FAIL: mongorestore did not restore the archive");
        Tools.Result noMongod = restoreTest(s, Map.of("RESTORED", RESTORED_AS_DUMPED,
                "MONGOD_FAILS", "Data directory /scratch/db not found"));
        assertThat(noMongod.ok()).isFalse();
        assertThat(noMongod.output()).contains("FAIL: the scratch mongod did not start")
                .contains("Data directory /scratch/db not found").doesNotContain("mongorestore --host");
        Path archive = s.s3(s.keys().get(0));
        Files.writeString(archive, "truncated");
        Tools.Result corrupt = restoreTest(s, Map.of("RESTORED", RESTORED_AS_DUMPED));
        assertThat(corrupt.ok()).isFalse();
        assertThat(corrupt.output()).contains("FAIL: the archive's SHA-256 is not the manifest's");
    }

    static String key(ZonedDateTime time) {
        return "mongodb/" + KEY_TIME.format(time.withZoneSameInstant(ZoneOffset.UTC));
    }

    @Test
    void restoreTestTakesTheNewestBackupAndFailsWhenItIsTooOldOrHasNoManifest(@TempDir Path tmp) throws IOException {
        Sandbox s = backedUp(tmp);
        String fresh = s.keys().get(0).replace(".archive.gz", "");
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        // Older backups around it (other days and months, so listing order and page breaks differ from time order).
        for (int days : new int[] {2, 3, 31, 40}) {
            String old = key(now.minusDays(days));
            Files.createDirectories(s.s3(old).getParent());
            Files.writeString(s.s3(old + ".archive.gz"), "old");
            Files.writeString(s.s3(old + ".manifest.json"), "{}");
        }
        Tools.Result fetch = s.run(chartRestoreTest().get("fetch"), Map.of());
        assertThat(fetch.ok()).as(fetch.output()).isTrue();
        assertThat(fetch.output()).contains("newest backup: s3://" + BUCKET + "/" + fresh + ".archive.gz (0 h old)");

        Files.delete(s.s3(fresh + ".manifest.json"));
        Tools.Result noManifest = s.run(chartRestoreTest().get("fetch"), Map.of());
        assertThat(noManifest.ok()).isFalse();
        assertThat(noManifest.output()).contains("FAIL: the newest backup has no manifest");

        Files.delete(s.s3(fresh + ".archive.gz"));
        Tools.Result stale = s.run(chartRestoreTest().get("fetch"), Map.of());
        assertThat(stale.ok()).isFalse();
        assertThat(stale.output()).contains("(48 h old)").contains("FAIL: the newest backup is older than 26 h");
        assertThat(s.run(chartRestoreTest().get("fetch"), Map.of("MAX_BACKUP_AGE_HOURS", "49")).ok()).isTrue();
    }

    @Test
    void restoreTestFailsWithoutAnyBackup(@TempDir Path tmp) {
        Sandbox s = Sandbox.create(tmp);
        Tools.Result r = s.run(chartRestoreTest().get("fetch"), Map.of());
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("FAIL: no backup archive under s3://" + BUCKET + "/mongodb/");
    }
}
