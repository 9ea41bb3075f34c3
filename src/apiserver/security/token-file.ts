import { SecurityError } from './errors.js';

/** One user as kube-apiserver's --token-auth-file describes it: `token,user,uid,"group1,group2"`. */
export interface UserInfo {
  readonly name: string;
  readonly uid: string;
  readonly groups: readonly string[];
}

export interface TokenEntry {
  readonly token: string;
  readonly user: UserInfo;
}

/** Splits one CSV record; quoted fields may hold commas and doubled quotes (RFC 4180). */
function splitCsvRecord(line: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) {
    throw new SecurityError('SECURITY_TOKEN_FILE_INVALID', `token file line ${lineNumber}: unterminated quote`);
  }
  fields.push(field);
  return fields;
}

/** Parses a tokens file. Blank lines and lines starting with '#' are skipped. */
export function parseTokenFile(text: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const lineNumber = index + 1;
    const fields = splitCsvRecord(line, lineNumber).map((f) => f.trim());
    const [token, name, uid, groups] = fields;
    if (token === undefined || token === '' || name === undefined || name === '' || uid === undefined) {
      throw new SecurityError(
        'SECURITY_TOKEN_FILE_INVALID',
        `token file line ${lineNumber}: expected token,user,uid[,"group1,group2"]`,
      );
    }
    if (seen.has(token)) {
      throw new SecurityError('SECURITY_TOKEN_FILE_INVALID', `token file line ${lineNumber}: duplicate token`);
    }
    seen.add(token);
    const groupList = (groups ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '');
    entries.push({ token, user: { name, uid, groups: groupList } });
  });
  return entries;
}

function quoteCsv(field: string): string {
  return /[",\s]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function formatTokenEntry(entry: TokenEntry): string {
  const { token, user } = entry;
  return [token, user.name, user.uid, `"${user.groups.join(',').replace(/"/g, '""')}"`]
    .map((f, i) => (i === 3 ? f : quoteCsv(f)))
    .join(',');
}
