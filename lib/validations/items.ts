import { z } from "zod";

/**
 * An array whose items are parsed one by one by the handler (so one bad item
 * does not hide the others, and the item count is checked before any item is
 * validated), documented with the item schema it is checked against.
 */
export function itemsCheckedByHandler(item: z.ZodType, description: string) {
  const { $schema: _ignored, ...items } = z.toJSONSchema(item, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return z.array(z.unknown()).meta({ description, items });
}
