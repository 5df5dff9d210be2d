package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** What the store keeps of a secret is its SHA-256: the standard's vectors, also from many threads at once. */
class ApiTokenHashTest {

    @Test
    void theHashIsSha256InHex() {
        assertThat(ApiTokenService.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiTokenService.hash(""))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void concurrentHashesDoNotShareState() throws Exception {
        var executor = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> work = IntStream.range(0, 64).<Callable<Boolean>>mapToObj(i -> () -> {
                for (int n = 0; n < 500; n++) {
                    if (!ApiTokenService.hash("abc").startsWith("ba7816bf")) {
                        return false;
                    }
                }
                return true;
            }).toList();
            for (Future<Boolean> result : executor.invokeAll(work)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
