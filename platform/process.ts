/**
 * Child processes of `npm start` get an IPC channel; when the supervisor dies (even by SIGKILL)
 * the channel closes and the child stops itself instead of lingering as an orphan. The channel
 * itself must not keep a stopped process alive.
 */
export function stopWhenSupervisorGoes(stop: () => unknown): void {
  if (!process.send) return;
  process.channel?.unref();
  process.once('disconnect', () => void stop());
}
