/**
 * The feature browser behind {@code loupe serve}: a Javalin server with a JSON API over a feature
 * store opened read-only, and a static front end ({@code resources/web}: plain HTML/CSS/JS, inline
 * SVG charts, no build step, no CDN) with Overview, Feature list, Feature, Search, Live text and
 * Steering pages under stable hash URLs ({@code #/d/<dict>/f/<i>}).
 *
 * <p>Usage: {@link dev.loupe.server.LoupeServer#start(ServerConfig)} with a
 * {@link dev.loupe.server.ServerConfig} (store, host, port, token, optional
 * {@link dev.loupe.server.LiveModel}); {@code url()}, {@code port()}, {@code close()}.
 * The live pages need a {@code LiveModel} implementation; without one their endpoints answer 503.
 *
 * <p>Security: binds loopback by default; a non-loopback host needs a token; all store text is
 * rendered with DOM text APIs under a Content-Security-Policy without inline script; static files
 * come from a fixed list of classpath resources; every parameter is bounded and bad ones get a
 * one-line JSON 4xx error. {@link dev.loupe.server.LoadCheck} is a JDK-only load generator.
 */
package dev.loupe.server;
