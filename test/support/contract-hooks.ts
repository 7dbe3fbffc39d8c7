import { takeViolations } from './event-contract';

/*
 * Installed for every test file (jest setupFilesAfterEnv): a test fails when an event or an ack its
 * sockets received does not match the AsyncAPI document or came with more than one argument.
 * Whatever arrives after a file's last test fails the file.
 */
function failOnViolations(): void {
  const found = takeViolations();
  if (found.length) {
    throw new Error(`Socket.IO traffic that breaks the AsyncAPI document:\n- ${found.join('\n- ')}`);
  }
}

afterEach(failOnViolations);
afterAll(failOnViolations);
