/** Thrown by sendTaskSuccess/Failure when the token's task is already closed (done, timed out). */
export class TaskClosedError extends Error {
  constructor(message = 'task already closed') {
    super(message);
    this.name = 'TaskClosedError';
  }
}
