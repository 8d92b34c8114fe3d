"""One module per part of the front end, each with its router and its templates under templates/pages/."""
