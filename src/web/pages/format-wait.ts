/** "You can try again in 5 minutes." for a Retry-After in seconds, rounded up to what people read. */
export function formatRetryAfter(seconds: number | undefined): string {
  if (seconds === undefined) {
    return '';
  }
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) {
    return `You can try again in ${s} ${s === 1 ? 'second' : 'seconds'}.`;
  }
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) {
    return `You can try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
  }
  const hours = Math.ceil(minutes / 60);
  return `You can try again in ${hours} ${hours === 1 ? 'hour' : 'hours'}.`;
}
