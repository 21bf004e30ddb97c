package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.OutputMessage;
import com.mka1.api.responses.OutputText;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseStoreTest {
    @TempDir
    Path dir;

    @Test
    void savesAndFindsAResponseWithItsConversationAndOwner() throws Exception {
        String id = "resp_0123456789abcdef0123456789abcdef";
        Response response = new Response(id, 1700000000L, ResponseStatus.COMPLETED, "mka1:tiny", null, null, "Be brief.", 8,
                Map.of("k", "v"), 0.0, 1.0, null,
                List.of(new OutputMessage("msg_1", ResponseStatus.COMPLETED, "assistant", List.of(new OutputText("Hi!")))),
                ResponseUsage.of(12, 3), null);
        StoredResponse stored = new StoredResponse("user-1",
                List.of(new InputMessage("user", "Hello"), new InputMessage("assistant", "Hi!")), response);
        ResponseStore store = new ResponseStore(dir);
        store.save(stored);
        assertThat(new ResponseStore(dir).find(id)).contains(stored);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(id + ".json");
        }
        assertThat(store.find("resp_ffffffffffffffffffffffffffffffff")).isEmpty();
        assertThat(store.find("../../etc/passwd")).isEmpty();
        assertThat(store.find(null)).isEmpty();
    }

    @Test
    void responsesOlderThanTheRetentionAreRemovedWhenTheStoreOpens() throws Exception {
        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        ResponseStore store = new ResponseStore(dir, Duration.ofDays(30), clock);
        StoredResponse old = stored("resp_00000000000000000000000000000001");
        StoredResponse recent = stored("resp_00000000000000000000000000000002");
        store.save(old);
        store.save(recent);
        Files.setLastModifiedTime(dir.resolve(old.response().id() + ".json"), FileTime.from(now.minus(Duration.ofDays(31))));
        Files.setLastModifiedTime(dir.resolve(recent.response().id() + ".json"), FileTime.from(now.minus(Duration.ofDays(29))));
        Files.writeString(dir.resolve(".resp_x.json123.tmp"), "torn");

        ResponseStore reopened = new ResponseStore(dir, Duration.ofDays(30), clock);
        assertThat(reopened.find(old.response().id())).isEmpty();
        assertThat(reopened.find(recent.response().id())).contains(recent);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(recent.response().id() + ".json");
        }
        assertThat(reopened.delete(recent.response().id())).isTrue();
        assertThat(reopened.delete(recent.response().id())).isFalse();
        assertThat(reopened.delete("../../etc/passwd")).isFalse();
    }

    private static StoredResponse stored(String id) {
        return new StoredResponse("user-1", List.of(new InputMessage("user", "Hello")),
                new Response(id, 1700000000L, ResponseStatus.COMPLETED, "mka1:tiny", null, null, null, 8, Map.of(), 0.0, 1.0,
                        null, List.of(), ResponseUsage.of(1, 0), null));
    }
}
