"""Quizzes, whatever the channel: attempts, answers, texts, timers, results."""
