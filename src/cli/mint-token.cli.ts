/* Prints a development token: npm run token -- --sub alice --name Alice [--admin] [--uid 42] [--ttl 3600] */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config';
import { mintToken } from '../auth/mint-token';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    name: { type: 'string' },
    avatar: { type: 'string' },
    uid: { type: 'string' },
    ttl: { type: 'string' },
    admin: { type: 'boolean', default: false },
  },
});

if (!values.sub) {
  console.error('Usage: npm run token -- --sub <userId> [--name <name>] [--uid <n>] [--ttl <seconds>] [--admin]');
  process.exit(2);
}
const config = loadConfig(process.env);
if (!config.jwt.secret) {
  console.error('Tokens can only be minted with JWT_SECRET (HS256); this configuration verifies with a public key.');
  process.exit(2);
}
console.log(
  mintToken(config.jwt.secret, {
    sub: values.sub,
    name: values.name,
    avatar: values.avatar,
    uid: values.uid ? Number(values.uid) : undefined,
    admin: values.admin,
    expiresInSeconds: values.ttl ? Number(values.ttl) : undefined,
  }),
);
