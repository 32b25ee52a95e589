// Writes FILE.gz (gzip -9) and FILE.br (brotli, quality 11) beside every file in a folder, for
// the server to send to browsers that accept them. Node's own zlib: no package to install.
//   node scripts/precompress.mjs target/site/pkg
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/precompress.mjs FOLDER');
  process.exit(2);
}
for (const name of readdirSync(dir)) {
  if (name.endsWith('.gz') || name.endsWith('.br')) continue;
  const path = join(dir, name);
  if (!statSync(path).isFile()) continue;
  const data = readFileSync(path);
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  writeFileSync(
    `${path}.br`,
    brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  );
}
