# Writes the small byte-level BPE fixtures used by the tokenizer tests (run from this directory).
# Vocabulary: id = byte value for the 256 GPT-2 byte characters, then a few merged tokens, then
# added tokens. Merge ranks are chosen so that merge order is visible ("b c" before "a b").
import json, os

def byte_chars():
    printable = list(range(ord('!'), ord('~') + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table, n = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(0x100 + n)
            n += 1
    return table

table = byte_chars()
vocab = {table[b]: b for b in range(256)}
merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n"), ("Ġ", "w"), ("o", "r"), ("Ġw", "or"),
          ("l", "d"), ("Ġwor", "ld"), ("b", "c"), ("a", "b"), ("'", "s"), ("1", "2"), ("Ċ", "Ċ")]
for a, b in merges:
    vocab.setdefault(a + b, len(vocab))

def added(id_, content):
    return {"id": id_, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}

def write(dirname, specials, pre_tokenizer, post_processor, config, ignore_merges=False):
    os.makedirs(dirname, exist_ok=True)
    base = len(vocab)
    doc = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(base + i, s) for i, s in enumerate(specials)],
        "normalizer": None, "pre_tokenizer": pre_tokenizer, "post_processor": post_processor,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": ignore_merges, "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }
    with open(os.path.join(dirname, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
    with open(os.path.join(dirname, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)

byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
no_post = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}

# GPT-2 / Qwen2 / SmolLM2 style with ChatML tokens
write("chatml", ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], byte_level, no_post, {
    "bos_token": None, "eos_token": "<|im_end|>",
    "chat_template": "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
})

# GPT-2 style without chat tokens or template: the ChatML fallback renders the markers as text
write("plain", ["<|endoftext|>"], byte_level, no_post, {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>"})

# Llama 3 style: Split with the Llama 3 regex, ByteLevel without regex, BOS by TemplateProcessing
llama3_regex = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")
llama3_specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|eom_id|>"]
bos_id = len(vocab)
write("llama3", llama3_specials,
      {"type": "Sequence", "pretokenizers": [
          {"type": "Split", "pattern": {"Regex": llama3_regex}, "behavior": "Isolated", "invert": False},
          {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
      {"type": "Sequence", "processors": [
          {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
          {"type": "TemplateProcessing",
           "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
           "pair": [], "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [bos_id], "tokens": ["<|begin_of_text|>"]}}}]},
      {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>",
       "chat_template": "{{- bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"},
      ignore_merges=True)
