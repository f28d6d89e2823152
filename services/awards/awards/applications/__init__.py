"""Applications (ansökningar) by units: answers per question, attachments, evidence frozen at submission."""
