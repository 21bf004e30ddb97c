package com.mka1.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.EmbeddedMka1;
import com.mka1.server.Mka1Server;
import com.mka1.server.api.ApiErrors;
import com.mka1.server.api.ApiRoutes;
import com.mka1.server.http.ApiKeys;
import com.mka1.server.http.HttpLimits;
import com.mka1.server.testing.HeadlessChromium;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against a real server on loopback that trains the embedded
 * {@code mka1:tiny} model for real: sign in, a 403 for a user key, upload (and delete) a file, a
 * field error from the create form, a job whose loss chart gains points, pause and resume, its
 * checkpoints, cancel, a streamed playground answer from the fine-tuned model; and no request
 * leaves the server or carries a key in its URL. A screenshot of the job page is written to
 * {@code target/dashboard/job.png}.
 */
class DashboardBrowserTest {
    private static final String ADMIN_KEY = TestServer.ADMIN_KEY;
    private static final String USER_KEY = TestServer.USER_KEY;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int EXAMPLES = 6;

    @TempDir
    static Path dir;
    static Mka1Server server;
    static ChromeDriver browser;
    static String root;

    @BeforeAll
    static void start() {
        Path data = dir.resolve("data");
        EmbeddedMka1 engine = EmbeddedMka1.builder().dataDir(data).modelsDir(data.resolve("models"))
                .embeddedModel(true).concurrentJobs(1)
                .minExamples(EXAMPLES).build(); // a short job: the scalar kernels of a plain test JVM train ~1 step/s
        try {
            server = Mka1Server.start("127.0.0.1", 0, ApiKeys.parseList(ADMIN_KEY + ":admin," + USER_KEY + ":user", "test"),
                    ApiRoutes.build(engine, data.resolve("spool")), new ApiErrors(), new HttpLimits(1 << 20, 16 << 20),
                    engine, 5);
        } catch (IOException e) {
            engine.close();
            throw new IllegalStateException(e);
        }
        root = server.baseUri().toString();
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aUserWatchesAFineTuneAndTalksToTheResult() throws IOException {
        try {
            walkThrough();
        } catch (AssertionError | RuntimeException failure) {
            // What the page showed when it failed, beside the screenshots.
            screenshot("failure.png");
            Files.writeString(Path.of("target", "dashboard", "failure.txt"), browser.getCurrentUrl() + "\n"
                    + browser.findElement(By.tagName("body")).getText());
            throw failure;
        }
    }

    private void walkThrough() throws IOException {
        Path trainingFile = trainingFile();

        // A user key signs in but may not see fine-tuning jobs: the 403 is shown as it is.
        browser.get(root + "/dashboard/");
        signIn(USER_KEY);
        assertThat(waitForText(By.cssSelector("main [role=alert]")))
                .isEqualTo("Not allowed (403): This endpoint needs an API key with the admin role");
        click(By.id("sign-out"));
        signIn(ADMIN_KEY);
        assertThat(waitForText(By.id("who"))).startsWith("admin key ");

        // Files: upload with progress, then upload and delete a scratch file.
        go("#/files");
        String fileId = upload(trainingFile);
        assertThat(browser.findElement(By.id("upload-progress")).getDomProperty("value")).isEqualTo("1");
        assertThat(browser.findElement(By.id("upload-percent")).getText()).isEqualTo("100%");
        String scratchId = upload(Files.writeString(dir.resolve("scratch.jsonl"), Files.readAllLines(trainingFile).getFirst()));
        click(By.cssSelector("[data-delete='" + scratchId + "']"));
        click(By.cssSelector("[data-delete='" + scratchId + "']")); // the second click confirms
        assertThat(waitForText(By.cssSelector("#files-message .msg-ok"))).isEqualTo("Deleted scratch.jsonl (" + scratchId + ").");
        wait(PATIENCE).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-file='" + scratchId + "']")));
        assertThat(browser.findElements(By.cssSelector("[data-file='" + fileId + "']"))).hasSize(1);

        // The create form shows the server's validation error next to the field it names.
        go("#/new");
        wait(PATIENCE).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#f-training_file option")));
        new Select(browser.findElement(By.id("f-model"))).selectByValue("mka1:tiny");
        new Select(browser.findElement(By.id("f-training_file"))).selectByValue(fileId);
        new Select(browser.findElement(By.id("f-validation_file"))).selectByValue(fileId);
        type(By.id("f-suffix"), "browser");
        type(By.id("f-n_epochs"), "0");
        click(By.cssSelector("#create-job button[type=submit]"));
        assertThat(waitForText(By.id("error-n_epochs"))).contains("n_epochs").contains("0");
        assertThat(browser.findElement(By.id("create-error")).getText()).isEmpty();
        type(By.id("f-n_epochs"), "2");
        type(By.id("f-batch_size"), "1");
        type(By.id("f-learning_rate_multiplier"), "10");
        type(By.id("f-metadata"), "run=browser");
        click(By.cssSelector("#create-job button[type=submit]"));
        wait(PATIENCE).until(d -> d.getCurrentUrl().contains("#/jobs/ftjob"));
        String jobId = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("#/jobs/") + "#/jobs/".length());

        // Pause as soon as the job may be paused, then resume; the chart gains points as it trains.
        click(By.cssSelector("#job-pause:enabled"));
        waitForStatus("paused");
        click(By.cssSelector("#job-resume:enabled"));
        int first = waitForChartPoints(1);
        int chartHeight = browser.findElement(By.id("loss-chart")).getRect().getHeight();
        int later = waitForChartPoints(first + 1);
        assertThat(later).isGreaterThan(first);
        assertThat(browser.findElement(By.id("loss-chart")).getRect().getHeight()).isEqualTo(chartHeight); // no jumps
        waitForStatus("succeeded");
        int steps = waitForChartPoints(2 * EXAMPLES);
        assertThat(steps).isEqualTo(2 * EXAMPLES);
        // valid loss and accuracy from the evaluation at each of the two checkpoints
        wait(PATIENCE).until(ExpectedConditions.attributeToBe(By.id("loss-chart"), "data-valid-points", "2"));
        List<WebElement> checkpoints = wait(PATIENCE).until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#checkpoints tbody tr a"));
            return rows.size() == 2 ? rows : null;
        });
        assertThat(checkpoints.get(0).getText()).isEqualTo("ft:mka1:tiny:browser:ckpt-step-" + 2 * EXAMPLES);
        assertThat(checkpoints.get(1).getText()).isEqualTo("ft:mka1:tiny:browser:ckpt-step-" + EXAMPLES);
        assertThat(browser.findElement(By.id("job-params")).getText()).contains("run=browser").contains("ft:mka1:tiny:browser");
        assertThat(browser.findElement(By.id("events")).getText()).contains("Job paused").contains("Job resumed");
        screenshot("job.png");
        // At a phone's width the page reflows into one column instead of scrolling sideways.
        browser.manage().window().setSize(new Dimension(400, 1400));
        wait(PATIENCE).until(d -> ((Number) browser.executeScript("return document.documentElement.scrollWidth")).intValue()
                <= ((Number) browser.executeScript("return document.documentElement.clientWidth")).intValue());
        screenshot("job-narrow.png");
        browser.manage().window().setSize(new Dimension(1280, 1400));

        // A second job, created through the API, is cancelled from its page.
        HttpTestClient.Reply created = new HttpTestClient(server.baseUri()).postJson("/v1/fine_tuning/jobs",
                "{\"model\":\"mka1:tiny\",\"training_file\":\"" + fileId + "\",\"suffix\":\"to-cancel\"}",
                TestServer.bearer(ADMIN_KEY));
        assertThat(created.status()).isEqualTo(200);
        String cancelId = field(created.body(), "id");
        go("#/jobs");
        click(By.cssSelector("[data-job='" + cancelId + "'] a"));
        click(By.cssSelector("#job-cancel:enabled"));
        waitForStatus("cancelled");

        // The list filters by status (scanning the server's pages) and by metadata (the server's filter).
        go("#/jobs");
        new Select(browser.findElement(By.id("filter-status"))).selectByValue("cancelled");
        click(By.cssSelector("#job-filters button[type=submit]"));
        waitForJobRows(List.of(cancelId));
        new Select(browser.findElement(By.id("filter-status"))).selectByValue("");
        type(By.id("filter-meta-key"), "run");
        type(By.id("filter-meta-value"), "browser");
        click(By.cssSelector("#job-filters button[type=submit]"));
        waitForJobRows(List.of(jobId));
        type(By.id("filter-meta-key"), "");
        click(By.cssSelector("#job-filters button[type=submit]"));
        waitForJobRows(List.of(cancelId, jobId)); // newest first

        // The playground streams an answer from the fine-tuned model.
        go("#/jobs/" + jobId);
        click(By.linkText("ft:mka1:tiny:browser"));
        wait(PATIENCE).until(ExpectedConditions.attributeToBe(By.cssSelector("#p-model option:checked"), "value",
                "ft:mka1:tiny:browser"));
        type(By.id("p-input"), "Where is my order?");
        type(By.id("p-max-tokens"), "24");
        click(By.id("p-send"));
        wait(PATIENCE).until(ExpectedConditions.attributeToBeNotEmpty(browser.findElement(By.id("p-state")), "data-done"));
        assertThat(browser.findElement(By.id("p-state")).getDomAttribute("data-done")).isIn("completed", "incomplete");
        assertThat(browser.findElement(By.id("p-state")).getText()).matches("(completed|incomplete): \\d+ input, \\d+ output tokens");
        assertThat(browser.findElement(By.id("p-output")).getText()).isNotBlank();
        screenshot("playground.png");

        // Every request went to this server, and no URL carried a key.
        List<String> urls = HeadlessChromium.requestedUrls(browser);
        assertThat(urls).contains(root + "/dashboard/", root + "/dashboard/vendor/uplot/uPlot.esm.js", root + "/v1/whoami",
                root + "/v1/files", root + "/v1/fine_tuning/jobs", root + "/v1/responses");
        assertThat(urls).allSatisfy(url -> assertThat(url).startsWith(root + "/"));
        assertThat(urls).noneMatch(url -> url.contains(ADMIN_KEY) || url.contains(USER_KEY) || url.contains("sk-"));
    }

    private static Path trainingFile() throws IOException {
        try (InputStream in = DashboardBrowserTest.class.getResourceAsStream("/com/mka1/server/cli/demo/stories.jsonl")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(EXAMPLES).toList();
            return Files.write(dir.resolve("train.jsonl"), lines);
        }
    }

    /** Keyboard only: the key field has focus when the form opens, Enter submits. */
    private static void signIn(String key) {
        wait(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        browser.switchTo().activeElement().sendKeys(key + Keys.ENTER);
        wait(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
    }

    private static String upload(Path file) {
        browser.findElement(By.id("upload-file")).sendKeys(file.toString());
        click(By.cssSelector("#upload button[type=submit]"));
        String text = waitForText(By.cssSelector("#upload-result .msg-ok"));
        Matcher m = Pattern.compile("Uploaded " + Pattern.quote(file.getFileName().toString()) + " as (file[-_]\\S+)\\.").matcher(text);
        assertThat(m.matches()).as(text).isTrue();
        wait(PATIENCE).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-file='" + m.group(1) + "']")));
        return m.group(1);
    }

    private static void go(String hash) {
        browser.get(root + "/dashboard/" + hash);
    }

    private static void waitForStatus(String status) {
        wait(PATIENCE).until(ExpectedConditions.attributeToBe(By.id("job-status"), "data-status", status));
    }

    private static int waitForChartPoints(int atLeast) {
        return wait(PATIENCE).until(d -> {
            String points = d.findElement(By.id("loss-chart")).getDomAttribute("data-points");
            int n = points == null ? 0 : Integer.parseInt(points);
            return n >= atLeast ? n : null;
        });
    }

    /** Waits until the list shows exactly these jobs, in this order. */
    private static void waitForJobRows(List<String> expected) {
        wait(PATIENCE).until(d -> d.findElements(By.cssSelector("#jobs tbody tr[data-job]")).stream()
                .map(row -> row.getDomAttribute("data-job")).toList().equals(expected));
    }

    private static String waitForText(By locator) {
        return wait(PATIENCE).until(d -> {
            List<WebElement> found = d.findElements(locator);
            return found.isEmpty() || found.getFirst().getText().isBlank() ? null : found.getFirst().getText();
        });
    }

    private static void click(By locator) {
        wait(PATIENCE).until(ExpectedConditions.elementToBeClickable(locator)).click();
    }

    private static void type(By locator, String text) {
        WebElement element = wait(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(locator));
        element.clear();
        element.sendKeys(text);
    }

    private static WebDriverWait wait(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout, Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static void screenshot(String name) throws IOException {
        Path target = Path.of("target", "dashboard");
        Files.createDirectories(target);
        Files.write(target.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }
}
