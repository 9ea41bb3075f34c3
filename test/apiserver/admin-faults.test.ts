import { createServer } from 'node:http';
import t from 'tap';
import { handleAdminFaults } from '../../src/apiserver/admin-faults.js';
import { ADMIN_GROUP, TokenAuthenticator } from '../../src/apiserver/security/index.js';
import type { FaultRule } from '../../src/transport/fault-rules.js';
import { silentLogger } from '../../src/util/logger.js';

t.test('the fault endpoint refuses bodies that are not rules with a 400, and keeps the rules in force', async (t) => {
  let rules: FaultRule[] = [{ peer: 'p2', direction: 'both', cut: true }];
  const transport = { setFaults: (next: readonly FaultRule[]) => void (rules = [...next]), faults: () => rules };
  const authenticator = new TokenAuthenticator([{ token: 'admin-token', user: { name: 'admin', uid: '1', groups: [ADMIN_GROUP] } }]);
  const server = createServer((req, res) => void handleAdminFaults(req, res, { authenticator, transport, logger: silentLogger() }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/admin/faults`;
  const put = (body: string) => fetch(url, { method: 'PUT', body, headers: { authorization: 'Bearer admin-token' } });
  for (const body of ['null', '5', '"x"', '{"rules":null}', '[null]', '{']) {
    const answer = await put(body);
    t.equal(answer.status, 400, body);
    const { error } = (await answer.json()) as { error: string };
    t.match(error, /^bad fault rules: /, body);
    t.notMatch(error, /TypeError|Cannot read/, `${body}: a message about the rules, not a crash`);
  }
  t.same(rules, [{ peer: 'p2', direction: 'both', cut: true }], 'the old rules stay');
  t.equal((await put('[]')).status, 200);
  t.same(rules, []);
});
