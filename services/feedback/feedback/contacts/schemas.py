from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Privacy(StrEnum):
    anonymous = "anonymous"  # anonym: no contact details at all
    named = "named"  # med namn: the handling unit sees who wrote
    confidential = "confidential"  # namngiven men skyddad: known to the central intake only, never disclosed to the unit


class ContactDetails(BaseModel):
    """Kontaktuppgifter. Stored encrypted, never in events, logs or public replies."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200, description="Namn.")
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$", description="E-postadress.")
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9+()\- ]{3,40}$", description="Telefonnummer.")
    postal_address: str | None = Field(None, max_length=500, description="Postadress.")

    def is_empty(self) -> bool:
        return not any((self.name, self.email, self.phone, self.postal_address))


class ContactView(ContactDetails):
    model_config = ConfigDict(extra="ignore")
    erased: bool = Field(False, description="True once the retention period ended and the details were erased (gallrade).")
