def function_problems(text, toks, routines):
    return []
