/**
 * Param names `runbook import` declares `secret: true`, so their values are masked in the journal
 * and on screen. Any name containing one of `SECRET_SUBSTRINGS` (`GITLAB_TOKEN`, `PGPASSWORD`,
 * `API_KEY`, `AUTH_HEADER`…), or with one of `SECRET_WORDS` as a whole `_`-separated part
 * (`DB_PASS`, `ADMIN_PWD`; not `PASSIVE` or `BYPASS_CACHE`), unless it ends in one of
 * `WHERE_SUFFIXES`: `SECRET_NAME`, `TOKEN_FILE`, `KEY_PATH` say where a secret is, not what it is
 * (and a Kubernetes secret's name may be shorter than the 8 characters a secret must have).
 * Erring towards secret costs little: a secret is asked for without echo and must be at least 8
 * characters long, and the import report names each one so a person can take `secret: true` off a
 * name that is not one (`KEYSPACE`).
 */
export const SECRET_SUBSTRINGS: readonly string[] = ["TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "KEY", "CREDENTIAL", "AUTH", "COOKIE", "BEARER", "PRIVATE"];
export const SECRET_WORDS: readonly string[] = ["PASS", "PWD", "PW", "CREDS", "SALT", "OTP"];
export const WHERE_SUFFIXES: readonly string[] = ["_NAME", "_NAMES", "_NAMESPACE", "_FILE", "_PATH", "_DIR"];

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (WHERE_SUFFIXES.some((s) => upper.endsWith(s))) return false;
  if (SECRET_SUBSTRINGS.some((s) => upper.includes(s))) return true;
  return upper.split(/_+/).some((part) => SECRET_WORDS.includes(part));
}
