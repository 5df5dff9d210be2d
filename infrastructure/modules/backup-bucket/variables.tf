variable "name_prefix" {
  description = "Prefix of the bucket and key names."
  type        = string
}

variable "prefix" {
  description = "Key prefix the backups are written under (lifecycle scope)."
  type        = string
  default     = "mongodb/"
}

variable "transition_to_ia_days" {
  description = "Days after which backups move to STANDARD_IA."
  type        = number
  default     = 30
}

variable "retention_days" {
  description = "Days after which backups are deleted."
  type        = number
  default     = 90

  validation {
    condition     = var.retention_days > 30
    error_message = "retention_days must be longer than the 30-day STANDARD_IA minimum."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete a bucket that still holds backups."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Extra tags."
  type        = map(string)
  default     = {}
}
