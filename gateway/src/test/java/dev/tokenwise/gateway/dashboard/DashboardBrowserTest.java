package dev.tokenwise.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens the dashboard in real headless Chromium after real traffic went through the gateway,
 * signs in through the login form, and checks that what the page shows is what the API says.
 * Screenshots land in {@code gateway/target/screenshots/}.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    static final String ADMIN_KEY = "adm-browser-5e0c9a1f";
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    static TestGateway gw;
    static String secret;
    static WebDriver driver;
    static Path profile;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "chromium and chromedriver are needed (scripts/test installs them)");
        GatewayConfig c = TestGateway.withTempDataDir(GatewayConfig.embeddedDefault());
        gw = TestGateway.start(Gateway.builder(c).port(0).env(Map.of("TOKENWISE_ADMIN_KEY", ADMIN_KEY)::get));
        String[][] traffic = {{"gpt-4o", "support"}, {"gpt-4o", "support"}, {"claude-3-5-sonnet", "search"},
                {"gpt-4o-mini", "autocomplete"}, {"llama-3-8b", "autocomplete"}, {"gpt-4o", "reports"}};
        for (int i = 0; i < 12; i++) {
            String[] t = traffic[i % traffic.length];
            boolean stream = i % 4 == 3;
            ObjectNode b = (ObjectNode) Json.parse(TestGateway.chat(t[0], "customer question number " + i, stream));
            if (stream) b.putObject("stream_options").put("include_usage", true);
            assertThat(gw.post("/chat/completions", Json.write(b), Map.of("x-tokenwise-feature", t[1])).statusCode()).isEqualTo(200);
        }
        gw.post("/chat/completions", TestGateway.chat("no-such-model", "fails", false));
        // a key with a daily budget spends part of it (from now on every request needs a key)
        secret = gw.gateway().keys().store().create("checkout", "default", new java.math.BigDecimal("0.01"),
                dev.tokenwise.gateway.keys.BudgetPeriod.DAY).secret();
        for (int i = 0; i < 3; i++) {
            ObjectNode b = (ObjectNode) Json.parse(TestGateway.chat("gpt-4o", "checkout question " + i, false));
            b.put("max_tokens", 100);
            assertThat(gw.post("/chat/completions", Json.write(b), Map.of("Authorization", "Bearer " + secret,
                    "x-tokenwise-feature", "checkout")).statusCode()).isEqualTo(200);
        }
        // Records as the routing and cache stages write them (those strategies live in their own
        // packages), so the savings and cache panels have something to draw.
        java.time.Instant now = java.time.Instant.now();
        gw.gateway().ledger().append(record("r1", now, "key_team_a", "support", "gpt-4o", "gpt-4o-mini", "0.00003", "0.0005", "routing", "miss"));
        gw.gateway().ledger().append(record("r2", now, "key_team_a", "support", "gpt-4o", "gpt-4o", "0", "0.0004", "cache-exact", "hit-exact"));
        gw.gateway().ledger().append(record("r3", now, "key_team_b", "search", "claude-3-5-sonnet", "claude-3-haiku", "0.00002", "0.0006", "routing,trim", "miss"));
        gw.gateway().ledger().flush();

        // never let Selenium Manager look for (or download) a driver: the system one is named explicitly
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");
        profile = Files.createTempDirectory("tokenwise-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1440,1000", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) driver.quit();
        if (gw != null) gw.close();
        if (profile != null) {
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static dev.tokenwise.gateway.ledger.LedgerRecord record(String id, java.time.Instant t, String key, String feature,
            String requested, String served, String cost, String baseline, String strategy, String cache) {
        java.math.BigDecimal c = new java.math.BigDecimal(cost), b = new java.math.BigDecimal(baseline);
        return new dev.tokenwise.gateway.ledger.LedgerRecord(id, t, key, "default", feature, requested, served,
                cache.startsWith("hit") ? "cache" : "mock", 120, 0, 40, c, b, b.subtract(c), strategy, cache, 35, -1, 200, null);
    }

    static String root() { return gw.baseUrl().substring(0, gw.baseUrl().length() - 3); }

    static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root() + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.parse(r.body());
    }

    static void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    static void waitLoaded() {
        new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(org.openqa.selenium.JavascriptException.class).until(d -> "true".equals(
                ((JavascriptExecutor) d).executeScript("return document.body.dataset.loaded || ''")));
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void after_signing_in_the_charts_render_with_the_traffics_numbers() throws Exception {
        driver.manage().window().setSize(new Dimension(1440, 1000));
        driver.get(root() + "/ui");
        driver.manage().deleteAllCookies();
        driver.get(root() + "/ui");
        assertThat(driver.findElement(By.id("login-button")).isDisplayed()).isTrue();
        screenshot("dashboard-login.png");
        driver.findElement(By.id("key")).sendKeys("wrong-key");
        driver.findElement(By.id("login-button")).click();
        // the form posts and a new page loads: look the message up again until it is there
        new WebDriverWait(driver, Duration.ofSeconds(15)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(By.id("login-message")).getText().contains("not the admin key"));
        driver.findElement(By.id("key")).sendKeys(ADMIN_KEY);
        driver.findElement(By.id("login-button")).click();
        waitLoaded();
        assertThat(driver.manage().getCookieNamed("tokenwise_admin").isHttpOnly()).isTrue();

        JsonNode s = api("/v1/tokenwise/summary?range=1h");
        assertThat(s.path("requests").asLong()).isEqualTo(19);
        assertThat(driver.findElement(By.id("kpi-requests")).getText()).isEqualTo("19");
        assertThat(driver.findElement(By.id("kpi-saved")).getDomAttribute("data-raw")).isEqualTo(s.path("saved_usd").asText());
        assertThat(driver.findElement(By.id("kpi-hit-rate")).getText()).isEqualTo("5.3%");
        assertThat(driver.findElement(By.id("kpi-spend")).getDomAttribute("data-raw")).isEqualTo(s.path("cost_usd").asText());
        assertThat(driver.findElement(By.id("kpi-baseline")).getDomAttribute("data-raw")).isEqualTo(s.path("baseline_usd").asText());
        double shownSpend = Double.parseDouble(driver.findElement(By.id("kpi-spend")).getText().replace("$", "").replace(",", ""));
        assertThat(shownSpend).isCloseTo(s.path("cost_usd").asDouble(), org.assertj.core.data.Offset.offset(0.000001));
        assertThat(driver.findElement(By.id("kpi-errors-note")).getText()).isEqualTo("1 failed");
        assertThat(driver.findElement(By.id("open-banner")).isDisplayed()).isFalse();

        // every chart drew SVG shapes
        for (String id : List.of("chart-spend", "chart-strategy", "chart-cache", "chart-routing")) {
            WebElement chart = driver.findElement(By.id(id));
            assertThat(chart.findElements(By.cssSelector("svg path")).size()).as(id).isGreaterThan(3);
            assertThat(chart.getSize().getHeight()).as(id).isGreaterThan(200);
        }
        // the spend line ends at the total spend, the baseline line at the total baseline
        Number lastSpend = (Number) js("var d = window.tokenwise.charts['chart-spend'].getOption().series[1].data; return d[d.length-1][1];");
        Number lastBase = (Number) js("var d = window.tokenwise.charts['chart-spend'].getOption().series[0].data; return d[d.length-1][1];");
        assertThat(lastSpend.doubleValue()).isCloseTo(s.path("cost_usd").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(lastBase.doubleValue()).isCloseTo(s.path("baseline_usd").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        // the routing pie's slices are the served-model counts
        Number pieTotal = (Number) js("return window.tokenwise.charts['chart-routing'].getOption().series[0].data"
                + ".reduce(function(a, x) { return a + x.value; }, 0);");
        assertThat(pieTotal.longValue()).isEqualTo(19);
        // savings by strategy: one bar per combination, with the ledger's figures
        Object strategies = js("var o = window.tokenwise.charts['chart-strategy'].getOption();"
                + " return o.yAxis[0].data.map(function(k, i) { return k + '=' + o.series[0].data[i]; }).join('|');");
        assertThat((String) strategies).contains("routing=0.00047").contains("cache-exact=0.0004").contains("routing,trim=0.00058");
        Object pieNames = js("return window.tokenwise.charts['chart-routing'].getOption().series[0].data.map(function(x){return x.name;}).join('|');");
        assertThat((String) pieNames).contains("gpt-4o (large)").contains("gpt-4o-mini (small)");

        // tables: top features, keys, recent requests, budgets
        assertThat(driver.findElement(By.id("top-features")).getText()).contains("support").contains("autocomplete");
        assertThat(driver.findElement(By.id("top-keys")).getText()).contains("anonymous").contains("key_team_a").contains("checkout");
        List<WebElement> rows = driver.findElements(By.cssSelector("#recent tbody tr"));
        assertThat(rows).hasSize(19);
        assertThat(rows).anySatisfy(r -> assertThat(r.getText()).contains("no-such-model").contains("404"));
        assertThat(rows).anySatisfy(r -> assertThat(r.getText()).contains("gpt-4o → gpt-4o-mini").contains("routing"));
        JsonNode budget = api("/v1/tokenwise/budgets").path("budgets").path(0);
        assertThat(budget.path("key_name").asText()).isEqualTo("checkout");
        assertThat(driver.findElement(By.id("budgets")).getText()).contains("checkout").contains("per day").contains("of $0.0100");
        assertThat(driver.findElements(By.cssSelector("#budgets .bar span"))).isNotEmpty();
        screenshot("dashboard-1440.png");
        js("document.getElementById('recent').scrollIntoView()");
        screenshot("dashboard-1440-recent.png");
        js("window.scrollTo(0, 0)");

        driver.manage().window().setSize(new Dimension(1920, 1080));
        Thread.sleep(400);
        screenshot("dashboard-1920.png");
        driver.manage().window().setSize(new Dimension(1280, 800));
        Thread.sleep(400);
        Number overflow = (Number) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow.intValue()).as("no horizontal scrolling on a laptop screen").isLessThanOrEqualTo(0);
        screenshot("dashboard-1280.png");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void the_page_refreshes_itself_when_new_traffic_arrives() throws Exception {
        driver.get(root() + "/ui");
        if (!driver.findElements(By.id("login-button")).isEmpty()) {
            driver.findElement(By.id("key")).sendKeys(ADMIN_KEY);
            driver.findElement(By.id("login-button")).click();
        }
        waitLoaded();
        long before = Long.parseLong(driver.findElement(By.id("kpi-requests")).getText().replace(",", ""));
        gw.post("/chat/completions", TestGateway.chat("gpt-4o", "one more", false), Map.of("Authorization", "Bearer " + secret));
        gw.gateway().ledger().flush();
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d ->
                d.findElement(By.id("kpi-requests")).getText().equals(Long.toString(before + 1)));
    }
}
