/**
 * Checks that a contender answers the workload the same way as the others
 * before it is measured: same bodies, same content types, writes returned.
 */

async function request(port, method, path, body) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

function fail(label, what, got) {
  throw new Error(`${label}: ${what}; got ${got.status} ${got.type} ${got.text.slice(0, 200)}`);
}

/**
 * Throws, naming the contender and the route, when an answer differs from the
 * workload's. `readBackWait` (ms) lets the write's read-back retry that long:
 * reads on a replica see a commit after the replication delay.
 */
export async function checkResponses(label, port, { readBackWait = 0 } = {}) {
  const hello = await request(port, 'GET', '/hello-world');
  if (hello.status !== 200 || hello.text !== 'Hello World!' || !hello.type.startsWith('text/plain')) {
    fail(label, 'GET /hello-world must answer 200 text/plain "Hello World!"', hello);
  }
  const read = await request(port, 'GET', '/users/42');
  const user = read.status === 200 ? JSON.parse(read.text) : undefined;
  if (!user || user.id !== 42 || user.first_name !== 'First42' || user.last_name !== 'Last42' || Object.keys(user).length !== 3) {
    fail(label, 'GET /users/42 must answer {"id":42,"first_name":"First42","last_name":"Last42"}', read);
  }
  const write = await request(port, 'POST', '/users', { first_name: 'A', last_name: 'B' });
  const created = write.status >= 200 && write.status < 300 ? JSON.parse(write.text) : undefined;
  if (!created || !Number.isInteger(created.id) || created.first_name !== 'A' || created.last_name !== 'B') {
    fail(label, 'POST /users must answer the new row {"id":…,"first_name":"A","last_name":"B"}', write);
  }
  const deadline = Date.now() + readBackWait;
  let readBack = await request(port, 'GET', `/users/${created.id}`);
  while (readBack.status === 404 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    readBack = await request(port, 'GET', `/users/${created.id}`);
  }
  if (readBack.status !== 200 || JSON.parse(readBack.text).id !== created.id) {
    fail(label, `the row written by POST /users (id ${created.id}) must be readable right after the response`, readBack);
  }
}
