package io.crm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.crm.store.ConnectionStrings;
import org.junit.jupiter.api.Test;

class ConnectionStringsTest {

    @Test
    void keepsTheDatabaseNamedInTheUri() {
        assertThat(ConnectionStrings.withDefaultDatabase("mongodb://db:27017/sales", "crm_db").getDatabase())
                .isEqualTo("sales");
    }

    @Test
    void addsTheDefaultDatabaseWhenTheUriNamesNone() {
        assertThat(ConnectionStrings.withDefaultDatabase("mongodb://db:27017", "crm_db").getDatabase())
                .isEqualTo("crm_db");
        assertThat(ConnectionStrings.withDefaultDatabase("mongodb://db:27017/", "crm_db").getDatabase())
                .isEqualTo("crm_db");
        var withOptions = ConnectionStrings.withDefaultDatabase(
                "mongodb://u:p@a:1,b:2/?authSource=admin&replicaSet=rs0", "crm_db");
        assertThat(withOptions.getDatabase()).isEqualTo("crm_db");
        assertThat(withOptions.getRequiredReplicaSetName()).isEqualTo("rs0");
        assertThat(withOptions.getCredential().getSource()).isEqualTo("admin");
        assertThat(ConnectionStrings.withDefaultDatabase("mongodb://a:1?replicaSet=rs0", "crm_db").getDatabase())
                .isEqualTo("crm_db");
    }

    @Test
    void describesWithoutThePassword() {
        var cs = ConnectionStrings.withDefaultDatabase("mongodb://app:s3cret@db-0.mongo:27017/crm_db", "crm_db");
        assertThat(ConnectionStrings.describe(cs)).isEqualTo("db-0.mongo:27017/crm_db").doesNotContain("s3cret");
    }

    @Test
    void keepsTheReplicaSetOptionsAndNamesThemWithoutTheCredentials() {
        var cs = ConnectionStrings.withDefaultDatabase("mongodb://crm_app:s3cret@mongo-0.mongo:27017,"
                + "mongo-1.mongo:27017,mongo-2.mongo:27017/?replicaSet=rs0&w=majority&retryWrites=true"
                + "&readConcernLevel=majority&authSource=admin", "crm_db");
        assertThat(cs.getDatabase()).isEqualTo("crm_db");
        assertThat(cs.getRequiredReplicaSetName()).isEqualTo("rs0");
        assertThat(cs.getWriteConcern()).isEqualTo(com.mongodb.WriteConcern.MAJORITY);
        assertThat(cs.getReadConcern()).isEqualTo(com.mongodb.ReadConcern.MAJORITY);
        assertThat(cs.getRetryWritesValue()).isTrue();
        assertThat(cs.getCredential().getSource()).isEqualTo("admin");
        assertThat(ConnectionStrings.describe(cs)).isEqualTo("mongo-0.mongo:27017,mongo-1.mongo:27017,"
                + "mongo-2.mongo:27017/crm_db (replicaSet=rs0, w=majority, readConcernLevel=majority, "
                + "retryWrites=true)").doesNotContain("s3cret").doesNotContain("crm_app");
    }

    @Test
    void aNumericWriteConcernIsNamedToo() {
        var cs = ConnectionStrings.withDefaultDatabase("mongodb://db:27017/sales?w=2&retryWrites=false", "crm_db");
        assertThat(ConnectionStrings.describe(cs)).isEqualTo("db:27017/sales (w=2, retryWrites=false)");
    }
}
