"""The registry pages: documents and search, the clerk's day, outgoing documents and their
addressee picker, registration forms (by hand or from the document's text), registers and imports."""

from registry.views import clerk, documents, incoming, intake, outgoing, recipient_picker, registers

urlpatterns = [
    *documents.urlpatterns,
    *clerk.urlpatterns,
    *outgoing.urlpatterns,
    *recipient_picker.urlpatterns,
    *incoming.urlpatterns,
    *intake.urlpatterns,
    *registers.urlpatterns,
]
