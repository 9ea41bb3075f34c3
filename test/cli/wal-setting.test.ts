import t from 'tap';
import { WAL_PREALLOCATE_ENV, walPreallocationFromEnv } from '../../src/cli/wal-setting.js';

t.test('RAFTPLANE_WAL_PREALLOCATE: on unless "off"; anything else is a usage error', async (t) => {
  t.equal(walPreallocationFromEnv({}), true);
  t.equal(walPreallocationFromEnv({ [WAL_PREALLOCATE_ENV]: '' }), true);
  t.equal(walPreallocationFromEnv({ [WAL_PREALLOCATE_ENV]: 'on' }), true);
  t.equal(walPreallocationFromEnv({ [WAL_PREALLOCATE_ENV]: 'off' }), false);
  t.throws(() => walPreallocationFromEnv({ [WAL_PREALLOCATE_ENV]: 'no' }), { code: 'CLI_USAGE', message: /must be "on" or "off", not "no"/ });
});
