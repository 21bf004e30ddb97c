package com.mka1.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium driven through the distribution's chromedriver (Debian: {@code chromium},
 * {@code chromium-driver}; {@code .ci/run} installs them), with the network log switched on so a
 * test can see every URL the page requested. Nothing is downloaded: the paths are given, so
 * Selenium Manager is never asked for a driver.
 */
public final class HeadlessChromium {
    private static final List<Path> BROWSERS = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"),
            Path.of("/usr/bin/google-chrome"));
    private static final List<Path> DRIVERS = List.of(Path.of("/usr/bin/chromedriver"),
            Path.of("/usr/lib/chromium/chromedriver"));

    private static final Json JSON = new Json();

    private HeadlessChromium() {}

    /** Starts a browser; fails naming the packages to install when there is none. */
    public static ChromeDriver start() {
        Path browser = find("MKA1_CHROMIUM", BROWSERS);
        Path driver = find("MKA1_CHROMEDRIVER", DRIVERS);
        if (browser == null || driver == null) {
            throw new IllegalStateException("The browser tests need Chromium and its driver: apt-get install chromium"
                    + " chromium-driver (or set MKA1_CHROMIUM / MKA1_CHROMEDRIVER). .ci/run installs them when missing.");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1400", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en-US");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL"));
        options.setExperimentalOption("perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(30)).build();
        ChromeDriver chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return chrome;
    }

    /** Every URL the browser requested since the last call (from the DevTools network log). */
    public static List<String> requestedUrls(ChromeDriver chrome) {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : chrome.manage().logs().get(LogType.PERFORMANCE)) {
            Map<?, ?> message = (Map<?, ?>) JSON.<Map<?, ?>>toType(entry.getMessage(), Map.class).get("message");
            if ("Network.requestWillBeSent".equals(message.get("method"))) {
                Map<?, ?> request = (Map<?, ?>) ((Map<?, ?>) message.get("params")).get("request");
                urls.add((String) request.get("url"));
            }
        }
        return urls;
    }

    private static Path find(String env, List<Path> candidates) {
        String given = System.getenv(env);
        if (given != null && !given.isBlank()) {
            return Files.isExecutable(Path.of(given)) ? Path.of(given) : null;
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }
}
