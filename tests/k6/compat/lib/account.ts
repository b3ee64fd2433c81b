export interface Account {
  name: string;
  id: number;
}

export function describe(account: Account): string {
  return `${account.name}#${account.id}`;
}
