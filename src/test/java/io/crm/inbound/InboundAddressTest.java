package io.crm.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InboundAddressTest {

    private final InboundAddress address = new InboundAddress("Log@CRM.example.com", "s3cret-s3cret-s3cret");

    @Test
    void acceptsOnlyTheAddressWithItsSecret() {
        assertThat(address.accepts("log+s3cret-s3cret-s3cret@crm.example.com")).isTrue();
        assertThat(address.accepts("LOG+s3cret-s3cret-s3cret@CRM.Example.com")).isTrue();
        assertThat(address.accepts("log@crm.example.com")).isFalse();
        assertThat(address.accepts("log+wrong@crm.example.com")).isFalse();
        assertThat(address.accepts("log+S3CRET-s3cret-s3cret@crm.example.com")).isFalse();
        assertThat(address.accepts("other+s3cret-s3cret-s3cret@crm.example.com")).isFalse();
        assertThat(address.accepts("log+s3cret-s3cret-s3cret@evil.example")).isFalse();
        assertThat(address.withSecret()).isEqualTo("log+s3cret-s3cret-s3cret@crm.example.com");
        assertThat(address.problem()).isNull();
    }

    @Test
    void theCaptureMailboxIsNeverAContact() {
        assertThat(address.isCaptureAddress("log@crm.example.com")).isTrue();
        assertThat(address.isCaptureAddress("log+anything@crm.example.com")).isTrue();
        assertThat(address.isCaptureAddress("ann@crm.example.com")).isFalse();
    }

    @Test
    void saysWhatIsMissing() {
        assertThat(new InboundAddress("", "s3cret-s3cret-s3cret").problem()).contains("CRM_INBOUND_ADDRESS");
        assertThat(new InboundAddress("log@crm.example.com", "short").problem()).contains("16 characters");
        assertThat(new InboundAddress("log+x@crm.example.com", "s3cret-s3cret-s3cret").problem()).contains("'+'");
        assertThat(new InboundAddress("log@crm.example.com", "").configured()).isFalse();
    }
}
