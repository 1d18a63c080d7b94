"""The content checker: faults that make a course unsafe to learn from or its quizzes easy to guess.

The importer refuses what it cannot load (errors). This package reads the same files for what
loads but teaches or tests badly (warnings): the right answer that is always the longest,
wrong answers that explain nothing, hours of study that do not match the material, lessons
too long or in sentences too long for a reader with primary-school education, a word spelt
two ways in one course, pictures without a description. It uses courses and `lms.content_format`
only (it reads quiz.yaml as text with line numbers) and is used by the `lms check-content` and
`lms import-content` commands and by the browser editor.
"""
