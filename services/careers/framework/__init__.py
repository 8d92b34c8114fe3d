"""The career framework (levels, pathways, requirements, PCF domains, KSS standards) and each council's local
grades."""
