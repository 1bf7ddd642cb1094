import { shortName } from "../name";

/** Which LLM judge the settings form shows: a plain GET form (`?edit=NAME`), so it works without JavaScript. */
export function JudgePicker({ judges, editing }: { judges: string[]; editing: string | null }) {
  return (
    <form method="get" aria-label="Choose a judge to change" className="flex flex-wrap items-end gap-3">
      <div className="space-y-1">
        <label htmlFor="judge-edit" className="block text-sm font-medium">Add or change</label>
        <select id="judge-edit" name="edit" defaultValue={editing ?? ""} className="rounded-md border border-line bg-white px-2 py-1.5 text-sm">
          <option value="">a new LLM judge</option>
          {judges.map((name) => (
            <option key={name} value={name} dir="auto">{shortName(name)}</option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded-md border border-line bg-white px-3 py-1.5 text-sm font-medium hover:bg-gray-50">Open</button>
    </form>
  );
}
