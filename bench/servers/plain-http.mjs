/** What the two node:http contenders share: writing an answer and reading a JSON body, with nothing in between. */
import http from 'node:http';

/** Writes the whole answer at once. */
export function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Reads the request body and parses it as JSON. */
export function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

/** The route of `GET /users/<id>`. */
export const USER_PATH = /^\/users\/(\d+)$/;

/** Serves `handle` on 127.0.0.1:`port`, answering 500 when it fails; resolves to the server. */
export function serve(port, handle) {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error(error);
      if (!res.headersSent) send(res, 500, 'application/json', '{"error":"server error"}');
    });
  });
  server.listen(port, '127.0.0.1');
  return server;
}
