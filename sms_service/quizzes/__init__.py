"""Quizzes: definitions from flows/quizzes, attempts and scoring, and their SMS and USSD faces."""
