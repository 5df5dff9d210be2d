variable "region" {
  description = "Region of the state bucket (must match the backend region of the environments)."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of the bucket and role names."
  type        = string
  default     = "crm"
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose infra workflow may plan and apply."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, without wildcards."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's token.actions.githubusercontent.com OIDC provider (false if the account already has one)."
  type        = bool
  default     = true
}

variable "infra_apply_environment" {
  description = "GitHub environment (with required reviewers) whose jobs may run terraform apply."
  type        = string
  default     = "infrastructure"
}

variable "state_noncurrent_version_days" {
  description = "Days old state versions are kept (rollback window)."
  type        = number
  default     = 90
}

variable "backup_retention_days" {
  description = "Days MongoDB backups are kept."
  type        = number
  default     = 90
}
