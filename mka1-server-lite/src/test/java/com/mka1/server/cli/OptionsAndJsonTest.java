package com.mka1.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.JsonValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsAndJsonTest {
    @Test
    void parsesSpacedEqualsRepeatedAndHeaderFlags() {
        Options options = Options.parse(List.of("--file", "./a.jsonl", "--purpose=fine-tune", "-H",
                "X-On-Behalf-Of: u1", "--metadata", "a=1", "--metadata", "b=2", "--help"));
        assertThat(options.get("file")).isEqualTo("./a.jsonl");
        assertThat(options.get("purpose")).isEqualTo("fine-tune");
        assertThat(options.all(Options.HEADER)).containsExactly("X-On-Behalf-Of: u1");
        assertThat(options.all("metadata")).containsExactly("a=1", "b=2");
        assertThat(options.has(Options.HELP)).isTrue();
    }

    @Test
    void reportsMissingValuesAndStrayArguments() {
        assertThatThrownBy(() -> Options.parse(List.of("--file"))).hasMessage("--file needs a value");
        assertThatThrownBy(() -> Options.parse(List.of("oops")))
                .hasMessage("unexpected argument 'oops' (flags look like --name value)");
        assertThatThrownBy(() -> Options.parse(List.of("--limit", "x")).integer("limit"))
                .hasMessage("--limit must be an integer, got 'x'");
        assertThatThrownBy(() -> Options.parse(List.of()).required("fine-tuning-job-id"))
                .hasMessage("--fine-tuning-job-id is required");
    }

    @Test
    void jsonRoundTripsAndPrettyPrints() {
        JsonValue value = JsonText.parse("{\"a\":[1,2.5,\"x\",true,null],\"b\":{}}", "test");
        assertThat(value).isEqualTo(new JsonValue.Obj(Map.of("a", new JsonValue.Arr(List.of(JsonValue.Num.of(1), JsonValue.Num.of(2.5),
                new JsonValue.Str("x"), new JsonValue.Bool(true), JsonValue.Null.INSTANCE)), "b", JsonValue.Obj.EMPTY)));
        assertThat(PlainJson.parseObject("{\"a\":[1,2.5,\"x\",true,null],\"b\":{}}", "test"))
                .isEqualTo(Map.of("a", java.util.Arrays.asList(1, 2.5, "x", true, null), "b", Map.of()));
        assertThat(JsonText.write(value)).isEqualTo("{\"a\":[1,2.5,\"x\",true,null],\"b\":{}}");
        assertThat(JsonText.pretty("{\"id\":\"x\",\"data\":[1,2]}")).isEqualTo("""
                {
                  "id" : "x",
                  "data" : [
                    1,
                    2
                  ]
                }""");
        assertThat(JsonText.pretty("not json")).isEqualTo("not json");
        assertThatThrownBy(() -> JsonText.parseObject("[1]", "--body")).hasMessage("--body must be a JSON object");
        assertThatThrownBy(() -> JsonText.parse("{\"a\":", "--body")).hasMessageStartingWith("--body is not valid JSON: ");
    }

    @Test
    void progressBarShowsStepLossAndEta() {
        WatchCommand.Progress progress = new WatchCommand.Progress();
        progress.observe(null, null, 0);
        assertThat(progress.render("queued")).isEqualTo("[..............................]   0%  queued");
        progress.observe(metrics(10, 40, 1.23456), null, 1_000);
        progress.observe(metrics(20, 40, 0.5), null, 11_000);
        // 10 steps took 10 s, 20 steps remain: 20 s.
        assertThat(progress.render("running"))
                .isEqualTo("[###############...............]  50%  step 20/40  loss 0.5000  ETA 0:20  running");
        progress.observe(metrics(30, 40, 0.25), JsonValue.Num.of(1_000_095L), 1_000_000_000L);
        assertThat(progress.render("running"))
                .isEqualTo("[#######################.......]  75%  step 30/40  loss 0.2500  ETA 1:35  running");
        assertThat(progress.render("succeeded"))
                .isEqualTo("[##############################] 100%  step 30/40  loss 0.2500  succeeded");
    }

    private static JsonValue.Obj metrics(long step, long total, double loss) {
        return new JsonValue.Obj(Map.of("step", JsonValue.Num.of(step), "total_steps", JsonValue.Num.of(total),
                "train_loss", JsonValue.Num.of(loss)));
    }

    @Test
    void registrySelectsTheLongestMatchingCommand() {
        CommandRegistry registry = CommandRegistry.standard();
        var selected = registry.select(List.of("llm", "fine-tuning", "list-events", "--limit", "5")).orElseThrow();
        assertThat(selected.command().name()).isEqualTo("llm fine-tuning list-events");
        assertThat(selected.rest()).containsExactly("--limit", "5");
        assertThat(registry.select(List.of("llm", "nothing"))).isEmpty();
        assertThat(registry.under(List.of("llm", "files"))).extracting(Command::name).containsExactly(
                "llm files content", "llm files delete", "llm files list", "llm files retrieve", "llm files upload");
    }
}
