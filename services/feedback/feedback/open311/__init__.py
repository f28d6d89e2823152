"""Open311 GeoReport v2 at /open311/v2: the city's categories as services, cases as service requests.

Mapping (documented in the service's README as well):
- a service is a category: ``service_code`` = category code, ``service_name`` = its Swedish name,
  ``group`` = its group, ``keywords`` = its keywords; one service list for the whole city
  (``jurisdiction_id`` is the city's), the category (or ``service_object_id``) decides the unit;
- a service request is a case: ``service_request_id`` = the registration number (SYN-2026-000123);
- ``open`` = received, acknowledged, assigned, in progress, reopened; ``closed`` = answered,
  closed, duplicate, withdrawn; ``status_notes`` carries the Swedish lifecycle status;
- the 6Aika extension ``service_object_id`` names the unit (an organisation unit id).
"""
