package dev.loupe.cli;

import dev.loupe.server.EngineLiveModel;
import dev.loupe.server.LiveModel;
import dev.loupe.server.LoupeServer;
import dev.loupe.server.ServerConfig;
import dev.loupe.store.FeatureStore;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Browse a feature store in a web browser (opened read-only). Listens on 127.0.0.1 unless --host says otherwise; "
                + "a non-loopback host requires an access token (generated and printed when --token is not given).",
        footerHeading = "%nExamples:%n",
        footer = {"  loupe serve --store work/loupe.db", "  loupe serve --store work/demo/loupe.db --model models/loupe-1l",
                "  loupe serve --store work/loupe.db --host 0.0.0.0 --port 8080 --token my-secret-token"})
final class ServeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, description = "Feature store file (SQLite, written by `loupe analyze`).") Path store;
    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT, description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).") int port;
    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, description = "Address to bind (default ${DEFAULT-VALUE}).") String host;
    @Option(names = "--token", description = "Access token clients must send (Authorization: Bearer T, or ?token=T once in the browser).") String token;

    @Option(names = "--model", description = "Model directory (HF) or llama2.c .bin to load for Live text and Steering; "
            + "the store's dictionaries at its hooks are loaded with it.") Path model;
    @Option(names = "--tokenizer", description = "Tokenizer file (default: next to --model).") Path tokenizer;

    @Override public Integer call() throws InterruptedException {
        if (!Files.isRegularFile(store))
            throw new ConfigException("feature store " + store + " does not exist; write one with `loupe analyze` or pass the right --store PATH");
        boolean generated = token == null && !ServerConfig.isLoopback(host);
        var out = spec.commandLine().getOut();
        Optional<LiveModel> live = Optional.empty();
        if (model != null) {
            try (FeatureStore s = FeatureStore.openReadOnly(store)) {
                live = Optional.of(EngineLiveModel.load(model, tokenizer, s, out::println));
            }
        }
        ServerConfig config = new ServerConfig(store, host, port, generated ? ServerConfig.newToken() : token, live);
        LoupeServer server = LoupeServer.start(config);
        out.println("Loupe feature browser: " + server.url());
        if (generated) out.println("access token (generated; share it only with people who may browse): " + config.token());
        out.println("store " + store + " (read-only); " + live.map(m -> "model " + m.name() + " loaded for Live text and Steering ("
                + String.join(", ", m.dictionaries()) + ")").orElse("no model loaded (--model), so Live text and Steering are off") + ". Ctrl-C stops the server.");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { server.close(); stopped.countDown(); }));
        stopped.await();
        return 0;
    }
}
