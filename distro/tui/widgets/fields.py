"""Provides the field lists of the family and member forms."""

from __future__ import annotations

from distro.domain.core.reference import districts
from distro.domain.families.models import DietaryNeed, Relationship, Sex
from distro.tui.widgets.form import FieldSpec

DIETARY_LABELS = {
    DietaryNeed.HALAL: "Halal",
    DietaryNeed.NO_PORK: "No pork",
    DietaryNeed.VEGETARIAN: "Vegetarian",
    DietaryNeed.ALLERGIES: "Allergies (say which below)",
    DietaryNeed.INFANT_FORMULA: "Infant formula",
}
RELATIONSHIP_LABELS = {
    relationship.value: relationship.value.replace("_", " ").capitalize()
    for relationship in Relationship
}

MEMBER_FIELDS = (
    FieldSpec("full_name", "Full name (as documents) *"),
    FieldSpec("aliases", "Other spellings, aliases", "list"),
    FieldSpec("sex", "Sex", "choice", tuple((sex.value, sex.value.capitalize()) for sex in Sex)),
    FieldSpec("birth_date", "Date of birth", "date", max_length=10),
    FieldSpec(
        "estimated_age", "or estimated age (years)", "int", placeholder="if no date", max_length=3
    ),
    FieldSpec("relationship", "Relationship to head", "choice", tuple(RELATIONSHIP_LABELS.items())),
    FieldSpec("nationality", "Nationality", max_length=60),
    FieldSpec("languages", "Languages spoken", "list", max_length=40),
    FieldSpec("school", "School (children)"),
    FieldSpec("grade", "Grade (children)", placeholder="e.g. P3, S2", max_length=30),
)

FAMILY_FIELDS = (
    FieldSpec(
        "district", "District *", "choice", tuple((name, name) for name in districts()), "Choose"
    ),
    FieldSpec("phones", "Phones", "list", placeholder="9123 4567; +44 7911 123456", max_length=20),
    FieldSpec("address", "Address", max_length=300),
    FieldSpec("claim_ref", "Protection claim ref.", max_length=60),
    FieldSpec(
        "dietary",
        "Diet (Space ticks)",
        "multi",
        tuple((need.value, label) for need, label in DIETARY_LABELS.items()),
    ),
    FieldSpec("allergies", "Allergies", max_length=300),
    FieldSpec("consent_date", "Consent to hold data on", "date", max_length=10),
    FieldSpec(
        "consent_purpose",
        "Consent purpose",
        placeholder="e.g. food distribution, device lending",
        max_length=300,
    ),
    FieldSpec("notes", "Notes", max_length=4000),
)
