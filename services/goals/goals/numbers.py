"""Figures are exact decimals inside the service and plain JSON numbers on the wire."""

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer

# pydantic writes Decimal as a JSON string; city systems and spreadsheets expect numbers.
JsonNumber = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
