"""Other services' figures in goals: feedback's complaint statistics, audit's lex Sarah yearly
summaries, awards' results and good examples, kept as read models fed by their events."""
