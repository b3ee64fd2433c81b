// Log lines for --log-format, --log-output, --console-output and -v.
export const options = { iterations: 1 };

export default function () {
  console.log('a log line');
  console.debug('a debug line');
  console.warn('a warning');
}
