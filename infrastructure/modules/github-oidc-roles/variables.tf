variable "name_prefix" {
  description = "Prefix of the role names."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the token.actions.githubusercontent.com OIDC provider (created once per account by the bootstrap config)."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, without wildcards."
  }
}

variable "push_branch" {
  description = "The only branch whose workflows may push images."
  type        = string
  default     = "main"
}

variable "ecr_repository_arn" {
  description = "The ECR repository the push role may write to."
  type        = string
}

variable "tags" {
  description = "Extra tags."
  type        = map(string)
  default     = {}
}
