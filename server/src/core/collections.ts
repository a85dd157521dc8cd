/** Adds `value` to the list kept under `key`, starting the list on first use (the lists of an index built in one pass). */
export function pushTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
