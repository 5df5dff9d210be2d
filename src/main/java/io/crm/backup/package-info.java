/**
 * Backups of the embedded store: online snapshots into single-file archives with a manifest ({@link BackupArchive}),
 * on demand and on a schedule ({@link Backups}), listed for admins, and {@code --restore} into an empty data
 * directory ({@link RestoreCommand}). A MongoDB deployment is backed up with mongodump instead (docs/deploy.md).
 */
package io.crm.backup;
