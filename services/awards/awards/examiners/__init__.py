"""The examiner registry (examinatorer): units, sector competence, rounds served, training, approval, capacity."""
