#!/usr/bin/env python3
"""Writes orders-tools.jsonl: a tool-calling fine-tuning set in OpenAI's chat format.

Every example offers five functions (three about orders, two distractors) in a shuffled order.
Two thirds ask for one of the order functions and train the assistant's call; the rest continue
past the call with the tool's result and train the final text answer too. Deterministic (seed 16):
  python3 make_orders_tools.py > orders-tools.jsonl
"""
import json
import random

ORDER = {"type": "object", "properties": {"order": {"type": "string", "maxLength": 6}},
         "required": ["order"], "additionalProperties": False}
TOOLS = {
    "track": ("Says where an order is.", ORDER),
    "refund": ("Refunds an order.", ORDER),
    "cancel": ("Cancels an order.", ORDER),
    "weather": ("Tells the weather in a town.", {"type": "object", "properties": {"town": {"type": "string"}},
                                                  "required": ["town"], "additionalProperties": False}),
    "alarm": ("Sets an alarm.", {"type": "object", "properties": {"time": {"type": "string"}},
                                 "required": ["time"], "additionalProperties": False}),
}
ASKS = {
    "track": ["Where is my order {o}?", "Where is order {o} now?", "Can you find my order {o}?", "Is my order {o} on the way?"],
    "refund": ["I want my money back for order {o}.", "Please give me a refund for order {o}.", "Can I get my money back for {o}?"],
    "cancel": ["Please stop my order {o}.", "I do not want order {o} any more.", "Can you stop order {o}?"],
}
RESULTS = {
    "track": ("{\"status\": \"on the way\"}", "Your order is on the way."),
    "refund": ("{\"status\": \"refunded\"}", "Your money is on its way back."),
    "cancel": ("{\"status\": \"cancelled\"}", "Your order is stopped."),
}


def tool(name):
    description, parameters = TOOLS[name]
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


def main():
    rng = random.Random(16)
    for i in range(300):
        name = rng.choice(list(ASKS))
        order = rng.choice("ABCDE") + str(rng.randint(1, 99))
        names = list(TOOLS)
        rng.shuffle(names)
        call = {"id": "call_%d" % i, "type": "function",
                "function": {"name": name, "arguments": json.dumps({"order": order})}}
        messages = [{"role": "user", "content": rng.choice(ASKS[name]).format(o=order)},
                    {"role": "assistant", "tool_calls": [call]}]
        if i % 3 == 2:
            result, answer = RESULTS[name]
            messages += [{"role": "tool", "tool_call_id": call["id"], "content": result},
                         {"role": "assistant", "content": answer}]
        print(json.dumps({"messages": messages, "tools": [tool(n) for n in names]}))


if __name__ == "__main__":
    main()
