// An HTTP error the API answers with a JSON body {"error": message}: 400 bad parameter, 401 no
// token, 404 unknown dictionary or feature, 413 request too large, 503 no live model or busy.
package dev.loupe.server;

final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static HttpError badRequest(String m) { return new HttpError(400, m); }
    static HttpError notFound(String m) { return new HttpError(404, m); }
    static HttpError unavailable(String m) { return new HttpError(503, m); }
}
