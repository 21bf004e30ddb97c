package com.mka1.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @Test
    void parsesTheEnvironmentForm() {
        ApiKeys keys = ApiKeys.parseList("sk-a:admin, sk-b:user,,", "MKA1_API_KEYS");
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.roleOf("sk-a")).contains(Role.ADMIN);
        assertThat(keys.roleOf("sk-b")).contains(Role.USER);
        assertThat(keys.roleOf("sk-c")).isEqualTo(Optional.empty());
    }

    @Test
    void readsAKeysFileWithComments(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# team keys\nsk-admin:ADMIN\n\nsk-user:user  # ci\n");
        ApiKeys keys = ApiKeys.readFile(file);
        assertThat(keys.roleOf("sk-admin")).contains(Role.ADMIN);
        assertThat(keys.roleOf("sk-user")).contains(Role.USER);
    }

    @Test
    void badEntriesNameWhereTheyAre() {
        assertThatThrownBy(() -> ApiKeys.parseList("sk-a:admin,sk-b", "MKA1_API_KEYS"))
                .hasMessage("MKA1_API_KEYS entry 2: expected key:role, e.g. sk-a:admin");
        assertThatThrownBy(() -> ApiKeys.parseList("sk-a:root", "MKA1_API_KEYS"))
                .hasMessage("MKA1_API_KEYS entry 1: unknown role 'root' (expected admin or user)");
    }

    @Test
    void fingerprintsAreStableAndDoNotContainTheKey() {
        assertThat(ApiKeys.fingerprint("sk-a")).isEqualTo(ApiKeys.fingerprint("sk-a")).startsWith("key-")
                .hasSize(12).doesNotContain("sk-a");
        assertThat(ApiKeys.fingerprint("sk-a")).isNotEqualTo(ApiKeys.fingerprint("sk-b"));
    }
}
