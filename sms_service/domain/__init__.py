"""Domain: campaigns, quizzes, messaging and broadcasts, apart from any channel."""
