/** Reads configuration the stack sets on the function; a missing value is a deployment bug. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}
