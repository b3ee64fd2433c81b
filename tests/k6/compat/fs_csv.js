// k6/experimental/fs and k6/experimental/csv as k6 documents them.
import { open, SeekMode } from 'k6/experimental/fs';
import csv from 'k6/experimental/csv';
import { check } from 'k6';

export const options = { vus: 2, iterations: 2, thresholds: { checks: ['rate==1'] } };

const file = await open('./data/people.csv');
const rows = await csv.parse(file, { skipFirstLine: true });
const people = await csv.parse(file, { asObjects: true });
let openedLate = '';

export default async function () {
  const info = await file.stat();
  const buffer = new Uint8Array(4);
  await file.seek(0, SeekMode.Start);
  const first = await file.read(buffer);
  const text = String.fromCharCode(...buffer);
  await file.seek(-3, SeekMode.End);
  const tail = new Uint8Array(10);
  const last = await file.read(tail);
  const end = await file.read(tail);
  const parser = new csv.Parser(file, { delimiter: ',' });
  const header = await parser.next();
  try {
    await open('./data/people.csv');
  } catch (e) {
    openedLate = e.name;
  }
  check(null, {
    'stat names the file and its size': () => info.name === 'people.csv' && info.size === 73,
    'read fills the buffer from the offset': () => first === 4 && text === 'name',
    'seek from the end and a short read': () => last === 3,
    'null at the end of the file': () => end === null,
    'csv.parse skips the header line': () => rows.length === 2 && rows[0][0] === 'ada',
    'quoted fields keep quotes and delimiters': () => rows[0][2] === 'says "hi", twice',
    'quoted fields keep line breaks': () => rows[1][2] === 'two\nlines',
    'asObjects keys records by the header': () => people[1].city === 'Wilmslow',
    'a Parser gives records one by one': () => header.done === false && header.value.join() === 'name,city,note',
    'open() outside the init context is an FsError': () => openedLate === 'FsError',
  });
}
