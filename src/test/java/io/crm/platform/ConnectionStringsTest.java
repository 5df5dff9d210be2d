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
}
