// Settings of one feature-browser server: the store to browse, where to listen, the access token
// (required when listening beyond loopback) and the optional live model for the Live text and
// Steering pages. Validated here so that the CLI and tests get the same one-line errors.
package dev.loupe.server;

import dev.loupe.util.ConfigException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

public record ServerConfig(Path store, String host, int port, String token, Optional<LiveModel> liveModel) {
    public static final int DEFAULT_PORT = 7860;
    public static final String DEFAULT_HOST = "127.0.0.1";

    public ServerConfig {
        if (store == null) throw new ConfigException("no feature store given; pass --store PATH (a loupe.db written by `loupe analyze`)");
        if (host == null || host.isBlank()) host = DEFAULT_HOST;
        if (port < 0 || port > 65535) throw new ConfigException("port " + port + " is outside 0..65535; pass e.g. --port " + DEFAULT_PORT);
        if (token != null && (token.length() < 8 || !token.matches("[A-Za-z0-9._~-]+")))
            throw new ConfigException("access token must be at least 8 characters of A-Z a-z 0-9 . _ ~ - (it travels in URLs and headers)");
        if (token == null && !isLoopback(host))
            throw new ConfigException("host " + host + " is reachable from other machines; pass --token T (or let `loupe serve` generate one)");
        liveModel = liveModel == null ? Optional.empty() : liveModel;
    }

    public static ServerConfig local(Path store, int port, Optional<LiveModel> live) {
        return new ServerConfig(store, DEFAULT_HOST, port, null, live);
    }

    /** True when host names only this machine (127.0.0.0/8, ::1, localhost). */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("host " + host + " does not resolve; pass an address such as 127.0.0.1 or 0.0.0.0");
        }
    }

    /** A random 128-bit token in hex. */
    public static String newToken() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public ServerConfig withToken(String t) { return new ServerConfig(store, host, port, t, liveModel); }
}
