// Browser tests: headless Debian chromium driven by Selenium against a server on 127.0.0.1 with
// a fake live model. Navigates overview -> list -> feature page, checks token highlighting and
// hover values, pagination, search, live text and steering round trips, and that hostile store
// text renders as text and runs nothing (window.__xss stays undefined). Skips, with the reason,
// when /usr/bin/chromium or /usr/bin/chromedriver is missing (.ci/run installs both).
package dev.loupe.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class BrowserTest {
    static final int N = 200;
    static final Path CHROMIUM = Path.of("/usr/bin/chromium"), DRIVER = Path.of("/usr/bin/chromedriver");
    @TempDir static Path dir;
    static LoupeServer server, noModel, withToken, engine;
    static ChromeDriver driver;
    static WebDriverWait wait;

    @BeforeAll static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "browser tests skipped: need Debian chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
        Path db = TestStores.write(dir, N);
        server = LoupeServer.start(ServerConfig.local(db, 0, Optional.of(new FakeLiveModel(N))));
        noModel = LoupeServer.start(ServerConfig.local(db, 0, Optional.empty()));
        withToken = LoupeServer.start(new ServerConfig(db, "127.0.0.1", 0, "browser-token-1", Optional.empty()));
        Path engineDb = EngineStores.write(Files.createDirectory(dir.resolve("engine")));
        try (var s = dev.loupe.store.FeatureStore.openReadOnly(engineDb)) {
            engine = LoupeServer.start(ServerConfig.local(engineDb, 0, Optional.of(EngineLiveModel.load(EngineStores.MODEL, null, s, null))));
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1100",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("chrome-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    @AfterAll static void stop() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
        if (noModel != null) noModel.close();
        if (withToken != null) withToken.close();
        if (engine != null) engine.close();
    }

    /** Opens a page; within the already loaded app only the hash changes (as a user clicking a link), which is much cheaper than a reload. */
    static void open(LoupeServer s, String hash) {
        String origin = "http://127.0.0.1:" + s.port() + "/";
        if (driver.getCurrentUrl().startsWith(origin)) ((JavascriptExecutor) driver).executeScript(
                "if (location.hash === arguments[0]) location.reload(); else { document.getElementById('app').replaceChildren(); location.hash = arguments[0]; }", hash);
        else driver.get(origin + hash);
    }

    static WebElement await(String css) { return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css))); }

    static void awaitText(String css, String text) { wait.until(ExpectedConditions.textToBe(By.cssSelector(css), text)); }

    /** Saves a screenshot of the whole page (up to 3000 px tall) under target/screenshots. */
    static void screenshot(String name) throws Exception { screenshot(Path.of("target", "screenshots"), name); }

    static void screenshot(Path out, String name) throws Exception {
        Files.createDirectories(out);
        Dimension before = driver.manage().window().getSize();
        long height = (Long) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(3000, height + 150)));
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(before);
    }

    static void assertNoXss() {
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) driver).executeScript("return typeof window.__xss === 'undefined'"));
    }

    @Test void overviewToListToFeaturePageWithHighlightedTokens() throws Exception {
        open(server, "#/");
        WebElement row = await("#dicts tr.dict-row");
        assertTrue(row.getText().contains("sae") && row.getText().contains("0.125") && row.getText().contains("12.5"), row.getText());
        assertFalse(driver.findElements(By.cssSelector("svg.density-hist rect.bar")).isEmpty());
        assertTrue(await("#autointerp").getText().contains("top_and_random"));
        screenshot("overview.png");

        driver.findElement(By.linkText("sae")).click();
        await("#features tr.feature-row");
        new Select(driver.findElement(By.id("sort"))).selectByValue("max_act");
        new Select(driver.findElement(By.id("order"))).selectByValue("desc");
        driver.findElement(By.cssSelector("#list-controls button[type=submit]")).click();
        awaitText("#features tr.feature-row td a", "#" + (N - 1));

        driver.findElement(By.cssSelector("#features tr.feature-row td a")).click();
        awaitText("#feature-title", "sae #" + (N - 1));
        List<WebElement> toks = driver.findElements(By.cssSelector("#top-examples .tok"));
        assertEquals(3, toks.size());
        assertEquals("tok" + (N - 1), toks.get(1).getText());
        assertEquals("activation: " + N, toks.get(1).getAttribute("title"));            // max act f+1, exact
        assertEquals("activation: " + N / 4, toks.get(2).getAttribute("title"));
        assertEquals("activation: 0", toks.get(0).getAttribute("title"));
        assertEquals("rgba(255, 120, 0, 1)", toks.get(1).getCssValue("background-color"));       // intensity = act / max
        assertEquals("rgba(255, 120, 0, 0.25)", toks.get(2).getCssValue("background-color"));
        assertEquals("rgba(0, 0, 0, 0)", toks.get(0).getCssValue("background-color"));
        assertFalse(driver.findElements(By.cssSelector("svg.act-hist rect.bar")).isEmpty());
        assertTrue(await(".logit-direct").getText().contains("up" + (N - 1)));
        assertTrue(driver.findElement(By.cssSelector(".logit-ablation")).getText().contains("abl" + (N - 1)));
        assertEquals("sae-big #" + 2 * (N - 1), driver.findElement(By.cssSelector("#children a")).getText());
        screenshot("feature.png");

        driver.findElement(By.cssSelector("#neighbours a")).click();                        // neighbour of N-1 is 0
        awaitText("#feature-title", "sae #0");
        assertTrue(driver.getCurrentUrl().endsWith("#/d/sae/f/0"), driver.getCurrentUrl());
    }

    @Test void keysetPagesForwardAndBack() {
        open(server, "#/d/sae?sort=density&order=desc");
        awaitText("#features tr.feature-row td a", "#" + (N - 1));
        driver.findElement(By.id("next")).click();
        awaitText("#features tr.feature-row td a", "#" + (N - 51));
        driver.findElement(By.id("next")).click();
        awaitText("#features tr.feature-row td a", "#" + (N - 101));
        driver.findElement(By.id("prev")).click();
        awaitText("#features tr.feature-row td a", "#" + (N - 51));
        driver.findElement(By.id("prev")).click();
        awaitText("#features tr.feature-row td a", "#" + (N - 1));
    }

    @Test void searchLinksToTheFeature() {
        open(server, "#/");
        await("#dicts");
        WebElement q = driver.findElement(By.id("search-q"));
        q.sendKeys("alpha40");
        driver.findElement(By.cssSelector("#search-form button")).click();
        WebElement hit = await("#search-results li.hit");
        assertEquals("alpha40", hit.findElement(By.tagName("mark")).getText());
        hit.findElement(By.tagName("a")).click();
        awaitText("#feature-title", "sae #40");
        assertTrue(driver.findElement(By.id("explanations")).getText().contains("explains alpha40"));
    }

    @Test void liveTextRoundTrip() {
        open(server, "#/live");
        await("#live-text").sendKeys("hi there");
        driver.findElement(By.id("live-go")).click();
        List<WebElement> toks = wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#live-tokens .tok"), 2));
        assertEquals("there", toks.get(1).getText());
        assertEquals("activation: 5", toks.get(1).getAttribute("title"));
        toks.get(1).click();
        WebElement link = await("#live-detail ol a");
        assertEquals("sae #15", link.getText());                                            // 5 letters * 3 mod N
        link.click();
        awaitText("#feature-title", "sae #15");
    }

    @Test void steeringRoundTripShowsBothCompletionsAsText() {
        open(server, "#/steer");
        await("#steer-prompt").sendKeys("Once");
        driver.findElement(By.cssSelector(".steer-feature")).sendKeys("12");
        WebElement s = driver.findElement(By.cssSelector(".steer-strength"));
        s.clear();
        s.sendKeys("-3.5");
        driver.findElement(By.id("steer-go")).click();
        assertEquals("Once steered f12@-3.5", await("#steer-steered").getText());
        assertEquals("Once plain " + TestStores.IMG, await("#steer-unsteered").getText());
        assertTrue(driver.findElements(By.cssSelector("#steer-out img")).isEmpty());
        assertNoXss();
    }

    @Test void withoutAModelLivePagesSaySo() {
        open(noModel, "#/live");
        assertTrue(await("#no-model").getText().contains("No model is loaded"));
        open(noModel, "#/steer");
        assertTrue(await("#no-model").getText().contains("No model is loaded"));
    }

    @Test void tokenUrlSetsACookieThatLoadsScriptsAndApi() {
        driver.get("http://127.0.0.1:" + withToken.port() + "/?token=browser-token-1#/d/sae/f/3");
        awaitText("#feature-title", "sae #3");                      // app.js, the API and the hash route all passed auth
        driver.get("http://127.0.0.1:" + withToken.port() + "/#/");  // the cookie alone suffices afterwards
        assertTrue(await("#dicts").getText().contains("sae-big"));
    }

    @Test void hostileStoreTextRendersAsTextAndRunsNothing() {
        open(server, "#/d/sae/f/" + TestStores.HOSTILE);
        awaitText("#feature-title", "sae #" + TestStores.HOSTILE);
        List<WebElement> toks = driver.findElements(By.cssSelector("#top-examples .tok"));
        assertEquals(TestStores.IMG, toks.get(1).getText());
        assertEquals(TestStores.SCRIPT, toks.get(2).getText());
        assertEquals("hostile " + TestStores.IMG + " " + TestStores.SCRIPT, driver.findElement(By.cssSelector("#explanations .expl-text")).getText());
        assertTrue(driver.findElements(By.cssSelector("main img, main script")).isEmpty());
        assertNoXss();
        open(server, "#/d/sae?sort=score");                                                 // explanation column of the list
        await("#features tr.feature-row");
        assertTrue(driver.findElement(By.id("features")).getText().contains(TestStores.IMG));
        open(server, "#/search?q=hostile");
        assertTrue(await("#search-results").getText().contains("onerror"));
        assertTrue(driver.findElements(By.cssSelector("main img, main script")).isEmpty());
        assertNoXss();
    }

    @Test void engineLiveTextShowsTheTopNeuronOfEachTokenAndLinksToIt() throws Exception {
        String text = "public static void main";
        float[] acts = EngineLiveModelTest.hookRowsOf(EngineStores.model(), EngineStores.tokenizer(), text);   // BOS first
        int m = EngineStores.D_MLP, best = 0;
        for (int i = 1; i < m; i++) if (acts[m + i] > acts[m + best]) best = i;                                 // first text token
        open(engine, "#/live");
        await("#live-text").sendKeys(text);
        driver.findElement(By.id("live-go")).click();
        int tokens = EngineStores.tokenizer().encode(text, false).length;
        List<WebElement> toks = wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#live-tokens .tok"), tokens));
        assertEquals("public", toks.get(0).getText().strip());
        assertEquals(acts[m + best], Float.parseFloat(toks.get(0).getAttribute("title").substring("activation: ".length())), 0f);
        screenshot("live.png");
        toks.get(0).click();
        WebElement link = await("#live-detail ol a");
        assertEquals("neurons #" + best, link.getText());
        link.click();
        awaitText("#feature-title", "neurons #" + best);
    }

    @Test void engineSteeringShowsTheGreedyBaselineBesideTheSteeredText() throws Exception {
        var tok = EngineStores.tokenizer();
        int[] ids = tok.encode("public static", true);
        String plain = tok.decode(dev.loupe.model.Generator.generate(EngineStores.model(), ids, 16, dev.loupe.model.Sampling.greedyDecoding(),
                tok.eosId().orElse(-1), true), true);
        open(engine, "#/steer");
        await("#steer-prompt").sendKeys("public static");
        driver.findElement(By.cssSelector(".steer-feature")).sendKeys("" + EngineLiveModelTest.STEER_NEURON);
        WebElement s = driver.findElement(By.cssSelector(".steer-strength"));
        s.clear();
        s.sendKeys("40");
        WebElement max = driver.findElement(By.id("steer-max"));
        max.clear();
        max.sendKeys("16");
        driver.findElement(By.id("steer-go")).click();
        assertEquals("public static" + plain, await("#steer-unsteered").getText());
        String steered = await("#steer-steered").getText();
        assertTrue(steered.startsWith("public static") && !steered.equals("public static" + plain), steered);
        screenshot("steering.png");
    }

    /** The README's pictures: run with -Dloupe.demoStore=../work/demo/loupe.db after `./loupe demo --no-serve`; writes docs/img. */
    @Test void readmeScreenshotsOfADemoStore() throws Exception {
        String store = System.getProperty("loupe.demoStore");
        Assumptions.assumeTrue(store != null && Files.isRegularFile(Path.of(store)), "README screenshots need -Dloupe.demoStore=PATH of a demo store");
        Path img = Path.of("..", "docs", "img");
        try (LoupeServer s = LoupeServer.start(ServerConfig.local(Path.of(store), 0, Optional.empty()))) {
            open(s, "#/");
            await("#dicts tr.dict-row");
            screenshot(img, "overview.png");
            open(s, "#/d/sae?sort=score&order=desc");
            await("#features tr.feature-row td a").click();
            await("#feature-title");
            await("#top-examples .tok");
            screenshot(img, "feature.png");
        }
    }
}
